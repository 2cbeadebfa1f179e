/// What a new password must satisfy (OWASP ASVS 2.1.1/2.1.2): 12 to 128 characters.
/// Existing shorter passwords still sign in; only new ones are checked.
public enum PasswordRules {
    /// The allowed length of a new password, in characters.
    public static let newLength = 12...128
    /// The longest password accepted at sign-in, in characters: PBKDF2 of a megabyte is a
    /// DoS (the 64 KiB form limit bounds the bytes).
    public static let maxSubmittedLength = 1024

    /// A password's length as both limits count it: in characters, what a person types,
    /// so a password in any script gets the same allowance as one in ASCII.
    public static func length(of password: String) -> Int {
        password.count
    }

    /// Whether a submitted password (to sign in, or as a new one) is short enough to look at.
    public static func isSubmittable(_ password: String) -> Bool {
        // Bytes bound characters from above: most passwords are decided without counting.
        password.utf8.count <= maxSubmittedLength || length(of: password) <= maxSubmittedLength
    }

    /// A visitor-facing reason why `password` (typed twice) cannot be a new password, or nil.
    public static func problem(with password: String, repeated: String) -> String? {
        guard newLength.contains(length(of: password)) else {
            return "A new password must be 12 to 128 characters long."
        }
        guard password == repeated else { return "The two new passwords do not match." }
        return nil
    }
}
