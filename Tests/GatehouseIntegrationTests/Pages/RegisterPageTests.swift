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
