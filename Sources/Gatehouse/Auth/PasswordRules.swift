/// What a new password must satisfy: 12 to 128 characters (OWASP ASVS 2.1.1/2.1.2) and a
/// zxcvbn score of at least PASSWORD_MIN_SCORE (ASVS 2.1.7: zxcvbn's dictionaries hold the
/// most common leaked passwords). Existing passwords still sign in whatever they are; only
/// new ones are checked, wherever one is set.
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
    /// - Parameters:
    ///   - minimumScore: `PASSWORD_MIN_SCORE`, the least zxcvbn score (0 lets any through).
    ///   - userWords: The username, first and last name of the person it is for (nil or
    ///     empty ones are skipped): a password built on them is among an attacker's first
    ///     guesses.
    public static func problem(with password: String, repeated: String, minimumScore: Int, userWords: [String?]) -> String? {
        guard newLength.contains(length(of: password)) else {
            return "A new password must be 12 to 128 characters long."
        }
        guard password == repeated else { return "The two new passwords do not match." }
        guard minimumScore > 0 else { return nil }
        let strength = PasswordStrength(of: password, userWords: personalWords(userWords))
        guard strength.score >= minimumScore else {
            return "This password is too easy to guess: \(strength.reason ?? "a predictable pattern"). "
                + "Several uncommon words together make a strong one."
        }
        return nil
    }

    /// The words zxcvbn should treat as this person's own: each name whole and, for names
    /// of several words ("Mary Ann", "ann.lee"), each word. Single letters are left out:
    /// as user words they would match a letter anywhere in any password.
    static func personalWords(_ words: [String?]) -> [String] {
        var result: [String] = []
        for case let word? in words {
            let pieces = word.split(whereSeparator: { " -._@".contains($0) }).map(String.init)
            for piece in [word] + (pieces.count > 1 ? pieces : []) where piece.count >= 2 && !result.contains(piece) {
                result.append(piece)
            }
        }
        return result
    }
}
