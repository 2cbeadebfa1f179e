/// The `session` cookie every browser answer carries, with SPEC.md's attributes:
/// `Path=/; Max-Age=<SESSION_MAX_AGE>; HttpOnly; SameSite=Lax`, `Secure` per COOKIE_SECURE,
/// and `Domain=` per COOKIE_DOMAIN.
enum SessionCookie {
    /// The cookie holding `token` for an answer to `request`.
    static func make(_ token: SessionToken, configuration: Configuration, request: Request) -> SetCookie {
        SetCookie(name: configuration.sessionCookieName, value: token.text,
                  maxAge: configuration.sessionMaxAge, secure: isSecure(configuration: configuration, request: request),
                  domain: configuration.cookieDomain)
    }

    /// With COOKIE_DOMAIN, a browser may still hold a host-only session cookie from before
    /// it was set, and then sends two: the pair counts as no cookie (`uniqueValue`), so
    /// that visitor could never sign in until the old one expired. When `request` carries
    /// the name more than once, this expires the host-only one (a cookie without `Domain`
    /// is a different cookie from the domain one, which the answer sets as usual).
    static func staleHostOnly(configuration: Configuration, request: Request, cookies: CookieHeader) -> SetCookie? {
        guard configuration.cookieDomain != nil, cookies.values(named: configuration.sessionCookieName).count > 1 else { return nil }
        return SetCookie(name: configuration.sessionCookieName, value: "", maxAge: 0,
                         secure: isSecure(configuration: configuration, request: request))
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
