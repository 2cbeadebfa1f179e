extension Response {
    /// Adds the headers SPEC.md requires on every HTML answer.
    ///
    /// `Cache-Control: no-store` goes on every page too: each carries a per-session CSRF
    /// token or user data, so no shared cache may keep one.
    mutating func addSecurityHeaders() {
        headers.append(("Content-Security-Policy", "default-src 'self'"))
        headers.append(("X-Frame-Options", "DENY"))
        headers.append(("Referrer-Policy", "same-origin"))
        headers.append(("X-Content-Type-Options", "nosniff"))
        if header("Cache-Control") == nil {
            headers.append(("Cache-Control", "no-store"))
        }
    }
}
