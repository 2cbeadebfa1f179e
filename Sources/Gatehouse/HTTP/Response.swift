/// What a handler answers: status, headers, cookies and body, written out by one writer.
public struct Response: Sendable {
    /// The status line.
    public var status: HTTPStatus
    /// Headers in the order they are written; names as they should appear.
    public var headers: [(name: String, value: String)]
    /// `Set-Cookie` values, one header each.
    public var cookies: [SetCookie]
    /// The body bytes.
    public var body: [UInt8]
    /// Whether the head carries `securityHeaders` after `headers` (see `addSecurityHeaders`).
    public internal(set) var hasSecurityHeaders = false

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: [(name: String, value: String)] = [], cookies: [SetCookie] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.cookies = cookies
        self.body = body
    }

    /// A `text/html` response with the given body.
    public static func html(_ body: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: body)
    }

    /// A `text/plain` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// A 303 See Other to `location`: after a POST the browser must GET the next page.
    /// Bytes a URL may not hold raw (a `next` such as `/ünï`) are percent-encoded, once.
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [("Location", PercentEncoding.urlTarget(location))])
    }

    /// The first value of a header, compared case-insensitively; the security headers
    /// included once added.
    public func header(_ name: String) -> String? {
        let matches = { (header: (name: String, value: String)) in
            header.name.utf8.count == name.utf8.count && header.name.utf8.elementsEqual(name.utf8, by: Self.sameLetterIgnoringCase)
        }
        if let found = headers.first(where: matches) { return found.value }
        return hasSecurityHeaders ? Self.securityHeaders.first(where: matches)?.value : nil
    }

    /// ASCII case-insensitive byte equality: header names are ASCII, and lower-casing
    /// whole names would allocate on every lookup.
    private static func sameLetterIgnoringCase(_ a: UInt8, _ b: UInt8) -> Bool {
        a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
    }

    /// Whether the body is an HTML page (security headers apply to those).
    public var isHTML: Bool {
        header("Content-Type")?.hasPrefix("text/html") ?? false
    }

    /// The whole CGI-style response head and body as bytes: `Status:`, headers, blank line, body.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 512)
        writeHead(into: &out)
        out.append(contentsOf: body)
        return out
    }

    /// Appends the head — `Status:` line, headers, `Set-Cookie`s, `Content-Length`, blank
    /// line — to `out`, byte by byte: a worker thread reuses one buffer for every head and
    /// hands the body to the web server as it is, so answering copies no page.
    public func writeHead(into out: inout [UInt8]) {
        out.append(contentsOf: status.statusLine)
        for (name, value) in headers {
            out.append(utf8: name)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
            out.append(utf8: value)
            out.appendLineEnd()
        }
        if hasSecurityHeaders { out.append(contentsOf: Self.securityHeaderLines) }
        for cookie in cookies {
            out.append(utf8: "Set-Cookie: ")
            cookie.writeHeaderValue(into: &out)
            out.appendLineEnd()
        }
        if header("Content-Length") == nil {
            out.append(utf8: "Content-Length: ")
            out.append(utf8: String(body.count))
            out.appendLineEnd()
        }
        out.appendLineEnd()
    }
}

extension [UInt8] {
    /// Appends the UTF-8 bytes of `text` in one copy (the generic `append(contentsOf:)`
    /// of a `String.UTF8View` costs several times more, and a head has dozens).
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends CR LF.
    mutating func appendLineEnd() {
        append(UInt8(ascii: "\r"))
        append(UInt8(ascii: "\n"))
    }
}
