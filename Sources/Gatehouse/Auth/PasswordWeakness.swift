/// Puts into a few words what makes a password guessable, from the parts zxcvbn-c split it
/// into: the two patterns that cover most of it, a word-like one first ("a common word with
/// digits", "your username or name with a year", "a keyboard pattern").
enum PasswordWeakness {
    /// One part of a password as zxcvbn-c explained it.
    struct Part: Sendable, Equatable {
        /// The kind of match zxcvbn-c found.
        enum Kind: Sendable, Equatable {
            case bruteForce, word, disguisedWord, userWord, repeated, sequence, keyboard, date, year
        }

        /// What zxcvbn-c took this part for.
        var kind: Kind
        /// The part's UTF-8 bytes (zxcvbn-c counts in bytes).
        var bytes: ArraySlice<UInt8>
        /// zxcvbn-c's entropy for this part, in bits.
        var bits: Double
        /// Whether zxcvbn-c found it as a repetition of a shorter match.
        var isRepeated: Bool
    }

    /// What a reason can name. The order breaks ties between equally large patterns.
    enum Pattern: Int, Comparable {
        case personal, word, disguisedWord, keyboard, sequence, repeated, date, year, digits

        static func < (lhs: Pattern, rhs: Pattern) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Which comes first in a phrase: words, then shapes, then numbers, so that
        /// "password1234" reads "a common word with digits" and never the other way round.
        var precedence: Int {
            switch self {
            case .personal, .word, .disguisedWord: 0
            case .keyboard, .sequence, .repeated: 1
            case .date, .year, .digits: 2
            }
        }
    }

    /// A reason such as "a common word with digits", or nil when no pattern stands out
    /// (a password of unpredictable characters).
    static func reason(for parts: [Part]) -> String? {
        var covered: [Pattern: Int] = [:]
        var words = 0
        for part in parts {
            guard let pattern = pattern(of: part) else { continue }
            covered[pattern, default: 0] += part.bytes.count
            if pattern == .word || pattern == .disguisedWord { words += 1 }
        }
        let largest = covered.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(2)
        // A lone digit in random characters is no pattern; a digit after a word is.
        guard (largest.first?.value ?? 0) >= 3 else { return nil }
        let ordered = largest.map(\.key).sorted { ($0.precedence, $0) < ($1.precedence, $1) }
        let first = ordered[0]
        if Set(ordered) == [.word, .disguisedWord] { return "common words" }
        let lead = phrase(first, words: words, bytes: covered[first] ?? 0)
        guard ordered.count > 1 else { return lead }
        // The second pattern is one part: "a common word with a common word" would mislead.
        let second = ordered[1]
        return lead + " with " + phrase(second, words: 1, bytes: covered[second] ?? 0)
    }

    /// Bits per byte below which a matched part is a pattern worth naming: less than a
    /// random digit (log2 10). zxcvbn-c also finds patterns in random text ("9!w" as a
    /// disguised word) that save an attacker nothing.
    static let patternBitsPerByte = 3.32

    /// The pattern `part` counts toward, or nil for parts that say nothing on their own:
    /// characters guessed one by one (other than digits, which people add to words), one-
    /// or two-letter words ("a", "I"), which every sentence has, and matches no cheaper to
    /// guess than random characters.
    static func pattern(of part: Part) -> Pattern? {
        let digits = !part.bytes.isEmpty && part.bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if part.kind == .bruteForce { return digits ? .digits : nil }
        guard part.bits < patternBitsPerByte * Double(part.bytes.count) else { return nil }
        switch part.kind {
        case .userWord: return .personal
        case _ where part.isRepeated: return .repeated
        case .repeated: return .repeated
        case .bruteForce: return nil
        case .word, .disguisedWord:
            // zxcvbn's dictionaries hold runs of digits such as 1234 as "words".
            if digits { return .digits }
            guard part.bytes.count >= 3 else { return nil }
            return part.kind == .word ? .word : .disguisedWord
        case .sequence: return .sequence
        case .keyboard: return .keyboard
        case .year: return .year
        case .date:
            // zxcvbn-c finds "2024" as a date (some year's 20th of April); people mean a year.
            let century = part.bytes.prefix(2)
            let year = digits && part.bytes.count == 4 && (century.elementsEqual("19".utf8) || century.elementsEqual("20".utf8))
            return year ? .year : .date
        }
    }

    /// How `pattern` reads in a reason: `words` parts of the password were common words,
    /// and the pattern covers `bytes` bytes of it.
    private static func phrase(_ pattern: Pattern, words: Int, bytes: Int) -> String {
        switch pattern {
        case .personal: "your username or name"
        case .word: words > 1 ? "common words" : "a common word"
        case .disguisedWord: "a disguised common word"
        case .keyboard: "a keyboard pattern"
        case .sequence: "a sequence"
        case .repeated: "a repeated pattern"
        case .date: "a date"
        case .year: "a year"
        case .digits: bytes == 1 ? "a digit" : "digits"
        }
    }
}
