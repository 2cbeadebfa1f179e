/// A user as the guards and pages see it: identity, names and scopes.
public struct User: Sendable, Equatable {
    /// `users.id`.
    public let id: Int
    /// The unique login name.
    public let username: String
    /// Given name, if set.
    public let firstName: String?
    /// Family name, if set.
    public let lastName: String?
    /// Scopes such as `authenticated`, `admin`, `super`.
    public let scopes: [String]
    /// The confirmed email address, where the session lookup reads it (for `/auth/check`);
    /// `nil` without one, or where it was not read.
    public let email: String?

    /// Creates a user value.
    public init(id: Int, username: String, firstName: String?, lastName: String?, scopes: [String], email: String? = nil) {
        self.id = id
        self.username = username
        self.firstName = firstName
        self.lastName = lastName
        self.scopes = scopes
        self.email = email
    }

    /// Whether the user holds `scope`.
    public func has(_ scope: String) -> Bool { scopes.contains(scope) }

    /// Admin pages accept `admin` OR `super` (the original design wrongly demanded both).
    public var isAdmin: Bool { has("admin") || has("super") }

    /// The first name when set, else the username: how the home page greets.
    public var greeting: String {
        if let firstName, !firstName.isEmpty { return firstName }
        return username
    }
}
