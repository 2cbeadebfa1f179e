/// Who must hold a second factor before using the site (`MFA_REQUIRED`).
public enum MFARequirement: String, Sendable, Equatable, CustomStringConvertible {
    /// Nobody: a factor stays the user's choice.
    case off
    /// Users with scope `admin` or `super`.
    case admin
    /// Every user.
    case all

    /// Parses `off`, `admin` or `all` (case-insensitive); `nil` for anything else.
    public init?(parsing text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// Whether `user` is covered: must set up a factor before anything else.
    public func covers(_ user: User) -> Bool {
        switch self {
        case .off: false
        case .admin: user.has("admin") || user.has("super")
        case .all: true
        }
    }

    /// The canonical spelling.
    public var description: String { rawValue }
}
