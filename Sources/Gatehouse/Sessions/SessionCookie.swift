/// The `session` cookie every browser answer carries, with SPEC.md's attributes:
/// `Path=/; Max-Age=<SESSION_MAX_AGE>; HttpOnly; SameSite=Lax`, and `Secure` per COOKIE_SECURE.
enum SessionCookie {
    /// The cookie holding `token` for an answer to `request`.
    static func make(_ token: SessionToken, configuration: Configuration, request: Request) -> SetCookie {
        let secure: Bool
        switch configuration.cookieSecure {
        case .auto: secure = request.isHTTPS
        case .always: secure = true
        case .never: secure = false
        }
        return SetCookie(name: configuration.sessionCookieName, value: token.text,
                         maxAge: configuration.sessionMaxAge, secure: secure)
    }
}
