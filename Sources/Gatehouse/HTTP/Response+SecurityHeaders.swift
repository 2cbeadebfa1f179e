extension Response {
    /// The headers SPEC.md requires on every HTML answer, besides `Cache-Control`.
    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'self'"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    /// HSTS for answers over HTTPS: browsers then use https only for a year. Not sent over
    /// plain http, where browsers ignore it anyway.
    static let strictTransportSecurity = (name: "Strict-Transport-Security", value: "max-age=31536000")

    /// `securityHeaders` as the lines of a response head, built once: every page writes them.
    static let securityHeaderLines: [UInt8] = {
        var lines: [UInt8] = []
        for (name, value) in securityHeaders {
            lines.append(utf8: name)
            lines.append(utf8: ": ")
            lines.append(utf8: value)
            lines.appendLineEnd()
        }
        return lines
    }()

    /// Adds the headers SPEC.md requires on every HTML answer.
    ///
    /// `Cache-Control: no-store` goes on every page too: each carries a per-session CSRF
    /// token or user data, so no shared cache may keep one.
    mutating func addSecurityHeaders() {
        hasSecurityHeaders = true
        if header("Cache-Control") == nil {
            headers.append(("Cache-Control", "no-store"))
        }
    }
}
