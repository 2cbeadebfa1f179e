/// One HTTP request as the web server handed it over, in Swift types only.
///
/// Built from FastCGI params (or CGI environment variables) by `Request.init(params:body:)`;
/// tests build it directly.
public struct Request: Sendable {
    /// The request method, upper case (`GET`, `POST`, ...).
    public var method: String
    /// The decoded-free path part of the request URI, without the query.
    public var path: String
    /// The raw query string, without the `?`.
    public var query: String
    /// Request headers keyed by lower-case name (`cookie`, `user-agent`, ...).
    public var headers: [String: String]
    /// The peer address nginx saw (`REMOTE_ADDR`).
    public var remoteAddress: String
    /// Whether the client connection was TLS (`HTTPS=on`).
    public var isHTTPS: Bool
    /// The request body, at most `Request.maxBodySize` bytes.
    public var body: [UInt8]
    /// The declared body length, which may exceed what was read.
    public var contentLength: Int

    /// The largest body Gatehouse reads; a larger declared body is answered 413 unread.
    public static let maxBodySize = 64 * 1024

    /// Creates a request; every field has a neutral default so tests name only what they need.
    public init(
        method: String = "GET", path: String = "/", query: String = "",
        headers: [String: String] = [:], remoteAddress: String = "127.0.0.1",
        isHTTPS: Bool = false, body: [UInt8] = [], contentLength: Int? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.isHTTPS = isHTTPS
        self.body = body
        self.contentLength = contentLength ?? body.count
    }

    /// The `Content-Type` header without parameters, lower-cased (`application/x-www-form-urlencoded`).
    public var mediaType: String {
        guard let value = headers["content-type"] else { return "" }
        let type = value.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first
        return Substring(type ?? value.utf8[...]).trimmingSpaces().lowercased()
    }

    /// The path followed by `?query` when there is one: what `next` should bring the user back to.
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + query
    }

    /// The query string's fields, percent-decoded.
    public var queryItems: FormFields {
        FormFields(urlEncoded: Array(query.utf8)) ?? FormFields()
    }
}

extension Request {
    /// Maps FastCGI/CGI parameters to a request.
    ///
    /// - Parameters:
    ///   - params: the `NAME=value` parameters nginx sends (`REQUEST_METHOD`, `HTTP_COOKIE`, ...).
    ///   - body: the bytes read from the request body (bounded by the caller).
    public init(params: [String: String], body: [UInt8]) {
        let uri = params["REQUEST_URI"] ?? params["DOCUMENT_URI"] ?? "/"
        let pathPart = uri.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { String(Substring($0)) } ?? "/"
        var headers: [String: String] = [:]
        for (name, value) in params where name.hasPrefix("HTTP_") {
            headers[Request.headerName(fromParam: name)] = value
        }
        if let type = params["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        let https = params["HTTPS"].map { $0.lowercased() == "on" || $0 == "1" } ?? false
        self.init(
            method: (params["REQUEST_METHOD"] ?? "GET").uppercased(),
            path: pathPart.isEmpty ? "/" : pathPart,
            query: params["QUERY_STRING"] ?? "",
            headers: headers,
            remoteAddress: params["REMOTE_ADDR"] ?? "",
            isHTTPS: https,
            body: body,
            contentLength: params["CONTENT_LENGTH"].flatMap { Int($0) } ?? body.count)
    }

    /// `HTTP_USER_AGENT` → `user-agent`.
    static func headerName(fromParam name: String) -> String {
        String(name.utf8.dropFirst(5).map { byte -> Character in
            switch byte {
            case UInt8(ascii: "_"): return "-"
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Character(Unicode.Scalar(byte + 32))
            default: return Character(Unicode.Scalar(byte))
            }
        })
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (no Foundation on the hot path).
    func trimmingSpaces() -> String {
        // On bytes, not Characters: a combining mark after a space makes one Character.
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let bytes = Array(utf8)
        guard let start = bytes.firstIndex(where: { !isBlank($0) }) else { return "" }
        let end = bytes.lastIndex(where: { !isBlank($0) })!
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
