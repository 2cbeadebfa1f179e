/// What a new password must satisfy (OWASP ASVS 2.1.1/2.1.2): 12 to 128 characters.
/// Existing shorter passwords still sign in; only new ones are checked.
public enum PasswordRules {
    /// The allowed length of a new password, in characters.
    public static let newLength = 12...128
    /// The longest password accepted at sign-in, in bytes: PBKDF2 of a megabyte is a DoS.
    public static let maxSubmittedBytes = 1024

    /// A visitor-facing reason why `password` (typed twice) cannot be a new password, or nil.
    public static func problem(with password: String, repeated: String) -> String? {
        guard newLength.contains(password.count) else {
            return "A new password must be 12 to 128 characters long."
        }
        guard password == repeated else { return "The two new passwords do not match." }
        return nil
    }
}
