import Foundation
@testable import Gatehouse
import Synchronization
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

    static let strong = "vivid-otter-93-sprockets"

    /// Registers `username` from `address` in a fresh browser.
    func register(_ harness: AppHarness, _ username: String, from address: String) -> Response {
        var browser = harness.browser(address: address)
        return browser.post("/auth/register", [("username", username), ("first_name", ""), ("last_name", ""),
                                               ("password", Self.strong), ("password2", Self.strong)])
    }

    @Test("Sign-ups are rate-limited per address: past the limit within an hour, 429 with Retry-After and nothing created")
    func rateLimited() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        for index in 1...RegistrationThrottle.limit {
            #expect(register(harness, "user\(index)", from: "198.51.100.20").status == .seeOther)
        }
        let refused = register(harness, "onemore", from: "198.51.100.20")
        #expect(refused.status == .tooManyRequests)
        #expect(refused.text.contains("Too many sign-ups"))
        let wait = try #require(refused.header("Retry-After").flatMap { Int($0) })
        #expect(wait > 3500 && wait <= 3600)
        #expect(try harness.scalar("SELECT count(*) FROM users WHERE username = 'onemore'") == "0")
        // Taken names count as well: they tell whether a name exists.
        #expect(register(harness, "user1", from: "198.51.100.20").status == .tooManyRequests)
        #expect(register(harness, "onemore", from: "198.51.100.21").status == .seeOther)
        // An hour later the address may sign up again.
        try harness.connection.run(script: "UPDATE registration_attempt SET at = at - interval '61 minutes'")
        #expect(register(harness, "later", from: "198.51.100.20").status == .seeOther)
    }

    @Test("IPv6 sign-ups count per /64")
    func rateLimitedPerSlash64() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        for index in 1...RegistrationThrottle.limit {
            #expect(register(harness, "v6user\(index)", from: "2001:db8:9:9::\(index)").status == .seeOther)
        }
        #expect(register(harness, "v6more", from: "2001:db8:9:9:ffff::1").status == .tooManyRequests)
        #expect(register(harness, "v6more", from: "2001:db8:9:a::1").status == .seeOther)
    }

    @Test("Usernames are unique ignoring case: Admin cannot be registered beside admin", arguments: ["Admin", "ADMIN", "aDmIn"])
    func caseInsensitive(name: String) throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        try harness.addUser("admin")
        let answer = register(harness, name, from: "198.51.100.30")
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("taken"))
        #expect(try harness.scalar("SELECT count(*) FROM users") == "1")
    }

    @Test("Sixteen case variants of one name added at once: exactly one is created")
    func caseInsensitiveRace() throws {
        let harness = try AppHarness()
        let conninfo = harness.database.conninfo
        let names = (0..<16).map { index in
            String("racer".enumerated().map { offset, letter in (index >> offset) & 1 == 1 ? Character(letter.uppercased()) : letter })
        }
        let created = Mutex(0)
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for name in names {
            done.enter()
            Thread {
                let store = UserStore(database: DatabaseConnection(conninfo: conninfo))
                _ = try? store.database.query("SELECT 1")
                start.wait()
                if (try? store.add(username: name, firstName: nil, lastName: nil, scopes: [],
                                   password: PasswordHasher(iterations: 1000).hash(Self.strong))) != nil {
                    created.withLock { $0 += 1 }
                }
                done.leave()
            }.start()
        }
        usleep(200_000)
        for _ in names { start.signal() }
        done.wait()
        #expect(created.withLock { $0 } == 1)
        #expect(try harness.scalar("SELECT count(*) FROM users WHERE lower(username) = 'racer'") == "1")
    }

    @Test("An adopted database holding Admin and admin keeps both, and both sign in; a third case is refused")
    func adoptedDuplicates() throws {
        let hash = PasswordHasher(iterations: 1000).hash(Self.strong)
        let harness = try AppHarness(settings: ["REGISTRATION": "on"]) { connection in
            try connection.run(script: """
                CREATE TABLE users (id serial primary key, username varchar(20) not null unique, first_name varchar(50),
                                    last_name varchar(50), p_hash bytea, p_salt bytea, scope jsonb not null, info jsonb not null);
                """)
            for name in ["admin", "Admin"] {
                _ = try connection.query("""
                    INSERT INTO users (username, p_hash, p_salt, scope, info) VALUES ($1, decode($2, 'hex'), decode($3, 'hex'), '[]', '{}')
                    """, [name, Hex.lower(hash.hash), Hex.lower(hash.salt)])
            }
        }
        // Hashed at the tests' cost, which the iteration column (added by migration) records.
        try harness.connection.run(script: "UPDATE users SET p_iterations = 1000")
        var lower = harness.browser()
        #expect(lower.login("admin", Self.strong).status == .seeOther)
        var upper = harness.browser()
        #expect(upper.login("Admin", Self.strong).status == .seeOther)
        #expect(register(harness, "ADMIN", from: "198.51.100.31").status == .badRequest)
        #expect(try harness.scalar("SELECT count(*) FROM users") == "2")
    }
}
