/// A `Set-Cookie` header value with the attributes SPEC.md fixes for the session cookie.
public struct SetCookie: Sendable, Equatable {
    /// Cookie name.
    public var name: String
    /// Cookie value (already safe: base64url tokens only).
    public var value: String
    /// `Max-Age` in seconds.
    public var maxAge: Int
    /// Adds `Secure` (HTTPS only).
    public var secure: Bool
    /// `Domain=` (COOKIE_DOMAIN): the cookie goes to that domain and every host under it;
    /// `nil` for a host-only cookie.
    public var domain: String?

    /// Creates a cookie with `Path=/; HttpOnly; SameSite=Lax`.
    public init(name: String, value: String, maxAge: Int, secure: Bool, domain: String? = nil) {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.secure = secure
        self.domain = domain
    }

    /// The header value: `name=value; Path=/; Max-Age=N; HttpOnly; SameSite=Lax[; Secure][; Domain=D]`.
    public var headerValue: String {
        var bytes: [UInt8] = []
        writeHeaderValue(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `headerValue` to `out` without building the string (one on every page).
    func writeHeaderValue(into out: inout [UInt8]) {
        out.append(utf8: name)
        out.append(UInt8(ascii: "="))
        out.append(utf8: value)
        out.append(utf8: "; Path=/; Max-Age=")
        out.append(utf8: String(maxAge))
        out.append(utf8: "; HttpOnly; SameSite=Lax")
        if secure { out.append(utf8: "; Secure") }
        if let domain {
            out.append(utf8: "; Domain=")
            out.append(utf8: domain)
        }
    }
}
