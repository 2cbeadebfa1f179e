@testable import Gatehouse
import Testing

@Suite("Password rules")
struct PasswordRulesTests {
    @Test("A guessable password is refused with the reason; PASSWORD_MIN_SCORE=0 lets it through")
    func weak() throws {
        let problem = try #require(PasswordRules.problem(with: "password1234", repeated: "password1234", minimumScore: 3, userWords: []))
        #expect(problem.contains("too easy to guess: a common word with digits"))
        #expect(PasswordRules.problem(with: "password1234", repeated: "password1234", minimumScore: 0, userWords: []) == nil)
        #expect(PasswordRules.problem(with: "violet anchor tundra mango", repeated: "violet anchor tundra mango", minimumScore: 4, userWords: []) == nil)
    }

    @Test("The username and names count against the password")
    func personal() throws {
        let password = "QuixoticAnn2024"
        #expect(PasswordRules.problem(with: password, repeated: password, minimumScore: 3, userWords: ["zed", nil, nil]) == nil)
        let problem = try #require(PasswordRules.problem(with: password, repeated: password, minimumScore: 3, userWords: ["annq", "Quixotic Ann", nil]))
        #expect(problem.contains("your username or name"))
    }

    @Test("Length and a mismatch are reported before strength")
    func order() {
        #expect(PasswordRules.problem(with: "password", repeated: "password", minimumScore: 3, userWords: [])?.contains("12 to 128") == true)
        #expect(PasswordRules.problem(with: "password1234", repeated: "password12345", minimumScore: 3, userWords: [])?.contains("do not match") == true)
    }

    @Test("Names split into words; single letters and empty names are left out")
    func personalWords() {
        #expect(PasswordRules.personalWords(["ann.lee", "Mary Ann", "J", "", nil, "Lee"])
            == ["ann.lee", "ann", "lee", "Mary Ann", "Mary", "Ann", "Lee"])
    }
}
