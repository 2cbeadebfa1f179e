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

    /// Creates a cookie with `Path=/; HttpOnly; SameSite=Lax`.
    public init(name: String, value: String, maxAge: Int, secure: Bool) {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.secure = secure
    }

    /// The header value: `name=value; Path=/; Max-Age=N; HttpOnly; SameSite=Lax[; Secure]`.
    public var headerValue: String {
        var text = "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
        if secure { text += "; Secure" }
        return text
    }
}
