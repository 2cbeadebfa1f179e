/// The `session` cookie every browser answer carries, with SPEC.md's attributes:
/// `Path=/; Max-Age=<SESSION_MAX_AGE>; HttpOnly; SameSite=Lax`, and `Secure` per COOKIE_SECURE.
enum SessionCookie {
    /// The cookie holding `token` for an answer to `request`.
    static func make(_ token: SessionToken, configuration: Configuration, request: Request) -> SetCookie {
        SetCookie(name: configuration.sessionCookieName, value: token.text,
                  maxAge: configuration.sessionMaxAge, secure: isSecure(configuration: configuration, request: request))
    }

    /// Whether cookies set in answer to `request` carry `Secure` (COOKIE_SECURE); the
    /// device cookie follows the same rule.
    static func isSecure(configuration: Configuration, request: Request) -> Bool {
        switch configuration.cookieSecure {
        case .auto: request.isHTTPS
        case .always: true
        case .never: false
        }
    }
}
