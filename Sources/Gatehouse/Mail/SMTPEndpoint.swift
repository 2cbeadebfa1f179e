/// SMTP_URL, checked: `smtp://[user:pass@]host[:port][/]` or `smtps://…`.
///
/// The URL is handed to libcurl as written (it reads the credentials itself); what is kept
/// beside it is what Gatehouse decides on: whether TLS may be absent (plain `smtp://` to a
/// loopback host only) and a form without the password for logs.
struct SMTPEndpoint: Sendable, Equatable {
    /// The URL as configured, credentials included.
    let url: String
    /// The host, without brackets for IPv6.
    let host: String
    /// `smtp://` to a loopback host: STARTTLS is used when offered, not required.
    let tlsOptional: Bool

    /// Parses `text`.
    /// - Throws: `ConfigurationError` for SMTP_URL saying what is wrong.
    init(parsing text: String) throws(ConfigurationError) {
        func refuse(_ why: String) -> ConfigurationError {
            ConfigurationError(key: "SMTP_URL", message: why + ", got \"\(SMTPEndpoint.redacted(text))\"")
        }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw refuse("expected smtp://host[:port] or smtps://host[:port] without spaces or control characters")
        }
        let lowered = text.lowercased()
        let secure: Bool
        if lowered.hasPrefix("smtp://") { secure = false } else if lowered.hasPrefix("smtps://") { secure = true } else {
            throw refuse("expected the scheme smtp:// (STARTTLS) or smtps:// (TLS)")
        }
        var rest = Substring(text.dropFirst(secure ? 8 : 7))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#") else {
            throw refuse("expected no path, query or fragment")
        }
        let hostPort = rest.lastIndex(of: "@").map { rest[rest.index(after: $0)...] } ?? rest
        var host = hostPort
        var port: Substring = ""
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw refuse("expected ] after an IPv6 address") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw refuse("expected :port after the IPv6 address") }
                port = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            port = hostPort[hostPort.index(after: colon)...]
        }
        guard !host.isEmpty else { throw refuse("expected a host") }
        if !port.isEmpty || hostPort.hasSuffix(":") {
            guard let number = Int(port), (1...65535).contains(number), port.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw refuse("expected a port from 1 to 65535")
            }
        }
        url = text
        self.host = host.lowercased()
        tlsOptional = !secure && SMTPEndpoint.isLoopback(self.host)
    }

    /// `localhost`, 127.0.0.0/8 or ::1: a host where mail never crosses a network.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The URL with any password replaced by `********`, for logs and `check-config`.
    static func redacted(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let schemeEnd = text.utf8.firstIndex(of: UInt8(ascii: "/")).map({ text.utf8.distance(from: text.utf8.startIndex, to: $0) }),
              schemeEnd + 2 <= bytes.count,
              let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > schemeEnd,
              let colon = bytes[(schemeEnd + 2)..<at].firstIndex(of: UInt8(ascii: ":"))
        else { return text }
        let head = String(decoding: bytes[..<colon], as: UTF8.self)
        let tail = String(decoding: bytes[at...], as: UTF8.self)
        return head + ":" + ConnInfo.mask + tail
    }
}
