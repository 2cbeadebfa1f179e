import Dispatch
@testable import Gatehouse
import Synchronization
import Testing

@Suite("Password strength (zxcvbn-c)")
struct PasswordStrengthTests {
    @Test("A common word with digits scores 0–1 and says so")
    func commonWordWithDigits() {
        let strength = PasswordStrength(of: "password1234")
        #expect(strength.score <= 1)
        #expect(strength.reason == "a common word with digits")
    }

    @Test("Four random common words score high", arguments: ["correct horse battery staple", "violet anchor tundra mango"])
    func passphrase(password: String) {
        #expect(PasswordStrength(of: password).score >= 3)
    }

    @Test("Random characters score 4, with no pattern to name")
    func random() {
        let strength = PasswordStrength(of: "zK4#pQ9!wL2m")
        #expect(strength.score == 4)
        #expect(strength.reason == nil)
    }

    @Test("The user's own words lower the score and are named")
    func userWords() {
        let plain = PasswordStrength(of: "zorblax2024zorblax")
        let personal = PasswordStrength(of: "ZorBlax2024zorblax", userWords: ["zorblax"])
        #expect(plain.score >= 3)
        #expect(personal.score <= 1)
        #expect(personal.guessesLog10 < plain.guessesLog10)
        #expect(personal.reason == "your username or name with a year")
    }

    @Test("Patterns are named", arguments: [
        ("qwertyuiop12", "a common word with digits"),
        ("zxcvbnm,./asdf", "a common word with a keyboard pattern"),
        ("abcdefghijklmn", "a sequence"),
        ("abcabcabcabc", "a repeated pattern"),
        ("1990-05-17", "a date"),
        ("iloveyou2024", "a common word with a year"),
        ("P@ssw0rd2024", "a disguised common word with a year"),
        ("love you password", "common words"),
    ])
    func reasons(password: String, reason: String) {
        let strength = PasswordStrength(of: password)
        #expect(strength.score <= 2)
        #expect(strength.reason == reason)
    }

    @Test("Non-ASCII, 128 characters of many bytes, and a NUL inside do not crash", arguments: [
        "pässwörd ünïcode", "密码是一二三四五六七八", String(repeating: "🏳️‍🌈", count: 128),
        String(repeating: "x", count: 128), String(repeating: "é", count: 128),
    ])
    func unusualInput(password: String) {
        let strength = PasswordStrength(of: password, userWords: ["é", "ünïcode", ""])
        #expect((0...4).contains(strength.score))
    }

    @Test("A repeated letter is weak whatever its length")
    func longRepeat() {
        let strength = PasswordStrength(of: String(repeating: "x", count: 128))
        #expect(strength.score <= 1)
        #expect(strength.reason == "a repeated pattern")
    }

    @Test("Bytes after a NUL are not counted: the estimate can only err low")
    func nul() {
        #expect(PasswordStrength(of: "password\u{0}zK4#pQ9!wL2m").score == 0)
    }

    @Test("Scores follow zxcvbn's thresholds: 10^3, 10^6, 10^8, 10^10 guesses, each plus 5", arguments: [
        (1.0, 0), (1004.9, 0), (1005, 1), (1_000_004, 1), (1_000_005, 2), (100_000_004, 2), (100_000_005, 3),
        (10_000_000_004, 3), (10_000_000_005, 4), (Double.infinity, 4),
    ])
    func thresholds(guesses: Double, score: Int) {
        #expect(PasswordStrength.score(guesses: guesses) == score)
    }

    @Test("Many threads at once get the same answers as one (ZxcvbnMatch is reentrant)")
    func concurrent() {
        let passwords = ["password1234", "correct horse battery staple", "alice2024alice", "zK4#pQ9!wL2m", "abcabcabcabc"]
        let expected = passwords.map { PasswordStrength(of: $0, userWords: ["alice"]) }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let which = index % passwords.count
            if PasswordStrength(of: passwords[which], userWords: ["alice"]) != expected[which] {
                mismatches.withLock { $0 += 1 }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }
}
