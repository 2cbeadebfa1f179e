/// A web origin (RFC 6454): scheme, host and port, the triple browsers compare.
///
/// Built from an `Origin` header and checked against what a request says of the site it
/// reached, so that a form is accepted only from this very site.
struct WebOrigin {
    /// `http` or `https` (any other scheme is never this site), lower case.
    let scheme: String
    /// The host name or address, lower case; an IPv6 address keeps its brackets.
    let host: String
    /// The port, the scheme's default when none was written.
    let port: Int

    /// Parses an `Origin` header: `scheme://host[:port]` and nothing else, as browsers
    /// send it. `nil` for anything else: empty, `null`, another scheme, a path, user info,
    /// a port that is not a number.
    init?(header: String) {
        guard let separator = header.firstRange(of: "://") else { return nil }
        let scheme = header[..<separator.lowerBound].lowercased()
        guard let defaultPort = Self.defaultPort(scheme),
              let authority = Self.authority(header[separator.upperBound...]) else { return nil }
        self.scheme = scheme
        host = authority.host
        port = authority.port ?? defaultPort
    }

    /// Whether this is the origin `request` was sent to: the scheme is https when the web
    /// server says so (`HTTPS=on`; without it either, since TLS may end at a proxy in front
    /// of nginx that does not say so), the host is the `Host` header's, and so is the port
    /// when the Host names one. A Host without a port leaves two candidates, and either passes:
    /// the scheme's default (the browser left it out, or a TLS terminator or other proxy in
    /// front took the request there, while `SERVER_PORT` is the backend's own), or
    /// `SERVER_PORT` (Debian's nginx sends `HTTP_HOST` as `$host`, dropping the port the
    /// browser sent, such as make run's 8080).
    func isOrigin(of request: Request) -> Bool {
        guard scheme == "https" || !request.isHTTPS, let header = request.headers["host"],
              let authority = Self.authority(header[...]), authority.host == host else { return false }
        if let hostPort = authority.port { return port == hostPort }
        return port == Self.defaultPort(scheme) || port == request.serverPort
    }

    /// The port a URL of `scheme` means when it names none; `nil` for schemes a browser
    /// never uses to reach Gatehouse.
    private static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "http": 80
        case "https": 443
        default: nil
        }
    }

    /// Splits `host[:port]` (an IPv6 address in brackets). `nil` for an empty host, a
    /// character no authority holds here (`/ ? # @`, spaces, controls), or a port that is
    /// not 1–5 digits up to 65535.
    private static func authority(_ text: Substring) -> (host: String, port: Int?)? {
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || "/?#@\\".utf8.contains($0) }) else { return nil }
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[...close]
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
            portText = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
            portText = nil
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (host.lowercased(), nil) }
        guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let port = Int(portText), port <= 65535 else { return nil }
        return (host.lowercased(), port)
    }
}
