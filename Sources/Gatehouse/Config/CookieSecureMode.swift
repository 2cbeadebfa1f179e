/// When the session cookie carries the `Secure` attribute (`COOKIE_SECURE`).
public enum CookieSecureMode: Sendable, Equatable, CustomStringConvertible {
    /// Secure when the web server reports HTTPS (`HTTPS=on` from nginx).
    case auto
    /// Always Secure.
    case always
    /// Never Secure (plain-HTTP development only).
    case never

    /// Parses `auto`, or a boolean word (`true|false`, `on|off`, `yes|no`, `1|0`);
    /// case-insensitive. Returns `nil` for anything else.
    public init?(parsing text: String) {
        if text.lowercased() == "auto" {
            self = .auto
        } else if let flag = BooleanWord.parse(text) {
            self = flag ? .always : .never
        } else {
            return nil
        }
    }

    /// The canonical spelling: `auto`, `true` or `false`.
    public var description: String {
        switch self {
        case .auto: "auto"
        case .always: "true"
        case .never: "false"
        }
    }
}
