import CZxcvbn
import Glibc

/// How hard a password is to guess, as zxcvbn-c (Debian's libzxcvbn) estimates it: zxcvbn's
/// 0–4 score and, when a pattern stands out, what makes it guessable in a person's words.
///
/// The only file that imports `CZxcvbn`. `ZxcvbnMatch` is reentrant, so any responder thread
/// may call this at once: the library's dictionary and keyboard tables are `static const`
/// data compiled in (Debian builds it without `USE_DICT_FILE`, so there is no
/// `ZxcvbnInit` state; `libzxcvbn.a` has no writable data symbols), and every match list
/// is allocated per call and freed here with `ZxcvbnFreeInfo`.
public struct PasswordStrength: Sendable, Equatable {
    /// zxcvbn's score: 0 too guessable, 1 very guessable, 2 somewhat guessable,
    /// 3 safely unguessable, 4 very unguessable.
    public let score: Int
    /// log10 of the estimated number of guesses.
    public let guessesLog10: Double
    /// What makes the password guessable ("a common word with digits"), or nil when no
    /// pattern stands out.
    public let reason: String?

    /// Estimates `password`.
    ///
    /// zxcvbn-c reads bytes up to the first NUL, judges the first 100 in full and counts
    /// the rest as a cheap run; both err towards a lower score, never a higher one.
    /// - Parameters:
    ///   - password: The password being set.
    ///   - userWords: Words an attacker would try first for this person (username, first
    ///     and last name), matched case-insensitively anywhere in the password.
    public init(of password: String, userWords: [String] = []) {
        var info: UnsafeMutablePointer<ZxcMatch_t>?
        let bits = Self.withUserDictionary(userWords) { dictionary in
            ZxcvbnMatch(password, dictionary, &info)
        }
        defer { ZxcvbnFreeInfo(info) }

        let bytes = Array(password.utf8.prefix { $0 != 0 })
        var parts: [PasswordWeakness.Part] = []
        var match = info
        while let current = match?.pointee {
            match = current.Next
            let begin = Int(current.Begin)
            let length = Int(current.Length)
            guard let kind = Self.kind(of: current.Type.rawValue), begin >= 0, length > 0,
                  begin + length <= bytes.count else { continue }
            let repeated = current.Type.rawValue & MULTIPLE_MATCH.rawValue != 0
            parts.append(PasswordWeakness.Part(
                kind: kind, bytes: bytes[begin..<begin + length], bits: current.Entrpy, isRepeated: repeated))
        }

        // zxcvbn-c returns bits of entropy, not zxcvbn's guesses: guesses = 2^bits.
        guessesLog10 = bits * log10(2.0)
        score = Self.score(guesses: exp2(bits))
        reason = PasswordWeakness.reason(for: parts)
    }

    /// zxcvbn's score for an estimated number of guesses, with the reference thresholds
    /// (dropbox/zxcvbn `src/time_estimates.coffee`, `guesses_to_score`: DELTA = 5, then
    /// `< 1e3 + DELTA` → 0, `< 1e6 + DELTA` → 1, `< 1e8 + DELTA` → 2, `< 1e10 + DELTA` → 3,
    /// else 4). Score 3 resists an offline attack on a slow salted hash such as PBKDF2.
    public static func score(guesses: Double) -> Int {
        let delta = 5.0
        switch guesses {
        case ..<(1e3 + delta): return 0
        case ..<(1e6 + delta): return 1
        case ..<(1e8 + delta): return 2
        case ..<(1e10 + delta): return 3
        default: return 4
        }
    }

    /// Calls `body` with `words` as the NULL-terminated `const char *[]` zxcvbn-c takes,
    /// every word inside one buffer that outlives the call.
    private static func withUserDictionary<Result>(
        _ words: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        var buffer: [CChar] = []
        var offsets: [Int] = []
        for word in words where !word.utf8.contains(0) {
            offsets.append(buffer.count)
            buffer += word.utf8.map { CChar(bitPattern: $0) }
            buffer.append(0)
        }
        return buffer.withUnsafeBufferPointer { storage in
            var pointers: [UnsafePointer<CChar>?] = offsets.map { storage.baseAddress! + $0 }
            pointers.append(nil)
            return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        }
    }

    /// The part kind for a zxcvbn-c match type (ignoring the "repeated" flag), or nil for
    /// the tail of a long password and types this version does not know.
    private static func kind(of type: UInt32) -> PasswordWeakness.Part.Kind? {
        switch type & ~MULTIPLE_MATCH.rawValue {
        case BRUTE_MATCH.rawValue: .bruteForce
        case DICTIONARY_MATCH.rawValue: .word
        case DICT_LEET_MATCH.rawValue: .disguisedWord
        case USER_MATCH.rawValue, USER_LEET_MATCH.rawValue: .userWord
        case REPEATS_MATCH.rawValue: .repeated
        case SEQUENCE_MATCH.rawValue: .sequence
        case SPATIAL_MATCH.rawValue: .keyboard
        case DATE_MATCH.rawValue: .date
        case YEAR_MATCH.rawValue: .year
        default: nil
        }
    }
}
