@testable import Gatehouse
import Testing

@Suite("Registration", .serialized)
struct RegisterPageTests {
    @Test("Off by default: 404")
    func off() throws {
        let harness = try AppHarness()
        var browser = harness.browser()
        #expect(browser.get("/auth/register").status == .notFound)
        #expect(browser.post("/auth/register", [("username", "x")]).status == .notFound)
        #expect(!browser.get("/auth").text.contains("/auth/register"))
    }

    @Test("On: a new user gets scope authenticated and is signed in")
    func register() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var browser = harness.browser()
        #expect(browser.get("/auth/register").status == .ok)
        #expect(browser.get("/auth").text.contains("/auth/register"))
        let answer = browser.post("/auth/register", [("username", "newbie"), ("first_name", "Nina"), ("last_name", "New"),
                                                     ("password", "a long new password"), ("password2", "a long new password")])
        #expect(answer.status == .seeOther)
        let home = browser.get("/?flash=welcome")
        #expect(home.text.contains("Welcome, Nina!"))
        #expect(home.text.contains("Your account was created"))
        #expect(try UserStore(database: harness.connection).find(username: "newbie")?.scopes == ["authenticated"])
    }

    @Test("Bad registrations are 400 and create nothing", arguments: [
        ("bad name", "a long new password", "a long new password"),
        ("okname", "short", "short"),
        ("okname", "a long new password", "another long password"),
        (String(repeating: "a", count: 21), "a long new password", "a long new password"),
    ])
    func refused(username: String, password: String, again: String) throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var browser = harness.browser()
        let answer = browser.post("/auth/register", [("username", username), ("first_name", ""), ("last_name", ""), ("password", password), ("password2", again)])
        #expect(answer.status == .badRequest)
        #expect(try harness.scalar("SELECT count(*) FROM users") == "0")
    }

    @Test("A guessable password is refused with the reason, counting the username and names; nothing is created", arguments: [
        ("newbie", "", "password1234", "a common word with digits"),
        ("zorblax", "", "zorblax2024zorblax", "your username or name with a year"),
        ("newbie", "Quixotic", "Quixotic2024!!", "your username or name"),
    ])
    func guessable(username: String, firstName: String, password: String, reason: String) throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var browser = harness.browser()
        let answer = browser.post("/auth/register", [("username", username), ("first_name", firstName), ("last_name", ""),
                                                     ("password", password), ("password2", password)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("too easy to guess: \(reason)"))
        #expect(answer.text.contains("value=\"\(username)\""))
        #expect(try harness.scalar("SELECT count(*) FROM users") == "0")
        #expect(browser.get("/").status == .seeOther)
    }

    @Test("PASSWORD_MIN_SCORE=0 registers with a guessable password")
    func minimumScoreZero() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on", "PASSWORD_MIN_SCORE": "0"])
        var browser = harness.browser()
        let answer = browser.post("/auth/register", [("username", "newbie"), ("first_name", ""), ("last_name", ""),
                                                     ("password", "password1234"), ("password2", "password1234")])
        #expect(answer.status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM users") == "1")
    }

    @Test("Names are at most 50 characters as the users table counts them (code points); 50 are kept whole", arguments: [
        ("first_name", String(repeating: "a", count: 51)), ("last_name", String(repeating: "é", count: 51)),
        ("first_name", String(repeating: "e\u{301}", count: 26)),  // 26 characters a person sees, 52 in varchar(50)
    ])
    func nameTooLong(field: String, name: String) throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var browser = harness.browser()
        var fields = [("username", "longname"), ("first_name", ""), ("last_name", ""),
                      ("password", "a long new password"), ("password2", "a long new password")]
        fields.removeAll { $0.0 == field }
        fields.append((field, name))
        let answer = browser.post("/auth/register", fields)
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("at most 50 characters"))
        #expect(try harness.scalar("SELECT count(*) FROM users") == "0")
    }

    @Test("A name of exactly 50 code points is stored whole")
    func nameAtLimit() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var browser = harness.browser()
        let name = String(repeating: "e\u{301}", count: 25)
        let answer = browser.post("/auth/register", [("username", "fifty"), ("first_name", name), ("last_name", String(repeating: "z", count: 50)),
                                                     ("password", "a long new password"), ("password2", "a long new password")])
        #expect(answer.status == .seeOther)
        #expect(try harness.scalar("SELECT first_name FROM users WHERE username = 'fifty'") == name)
    }

    @Test("A taken username is refused")
    func taken() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        try harness.addUser("taken")
        var browser = harness.browser()
        let answer = browser.post("/auth/register", [("username", "taken"), ("first_name", ""), ("last_name", ""), ("password", "a long new password"), ("password2", "a long new password")])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("taken"))
    }
}
