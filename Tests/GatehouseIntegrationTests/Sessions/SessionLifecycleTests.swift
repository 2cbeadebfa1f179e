import Foundation
@testable import Gatehouse
import Testing

@Suite("Sessions against PostgreSQL", .serialized)
struct SessionLifecycleTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness()
        try harness.addUser("ann", firstName: "Ann", scopes: ["admin"])
    }

    @Test("Login issues a fresh token; the pre-login token never authenticates")
    func freshTokenAtLogin() throws {
        var browser = harness.browser()
        browser.get("/auth")
        let preLogin = try #require(browser.cookie)
        let answer = browser.login("ann")
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/")
        let session = try #require(browser.cookie)
        #expect(session != preLogin)
        #expect(browser.get("/").status == .ok)

        var attacker = harness.browser()
        attacker.cookie = preLogin
        let stolen = attacker.get("/")
        #expect(stolen.status == .seeOther)
        #expect(stolen.header("Location") == "/auth?next=/")
    }

    @Test("The database holds only SHA-256 of the token, never the token")
    func onlyHashStored() throws {
        var browser = harness.browser()
        browser.login("ann")
        let token = try #require(browser.cookie)
        let stored = try harness.connection.query("SELECT token FROM session").rows.compactMap { $0[0] }
        #expect(!stored.isEmpty)
        #expect(!stored.contains(token))
        #expect(stored.contains(SessionToken(cookieValue: token)!.storageKey))
        let found = try harness.scalar("SELECT count(*) FROM session WHERE token = encode(sha256($1::bytea), 'hex')", [token])
        #expect(found == "1")
        let anywhere = try harness.scalar("SELECT count(*) FROM session s WHERE s::text LIKE '%' || $1 || '%'", [token])
        #expect(anywhere == "0")
    }

    @Test("1000 authenticated requests write the session row at most a handful of times")
    func fewWrites() throws {
        try harness.connection.run(script: """
            CREATE TABLE IF NOT EXISTS write_counter (n int NOT NULL);
            INSERT INTO write_counter VALUES (0);
            CREATE OR REPLACE FUNCTION count_session_write() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN UPDATE write_counter SET n = n + 1; RETURN NEW; END $$;
            CREATE TRIGGER session_write_counter AFTER UPDATE ON session
                FOR EACH ROW EXECUTE FUNCTION count_session_write();
            """)
        var browser = harness.browser()
        browser.login("ann")
        for _ in 0..<1000 {
            #expect(browser.get("/").status == .ok)
        }
        let writes = try #require(Int(try harness.scalar("SELECT n FROM write_counter") ?? ""))
        #expect(writes <= 2, "session row written \(writes) times in 1000 requests")

        // Once less than half the idle time is left, the next request slides it: one write.
        try harness.connection.run(script: "UPDATE session SET expires_at = now() + interval '10 minutes'")
        let before = try #require(Int(try harness.scalar("SELECT n FROM write_counter") ?? ""))
        #expect(browser.get("/").status == .ok)
        #expect(browser.get("/").status == .ok)
        let after = try #require(Int(try harness.scalar("SELECT n FROM write_counter") ?? ""))
        #expect(after == before + 1)
        let left = try #require(Double(try harness.scalar("SELECT extract(epoch FROM expires_at - now()) FROM session") ?? ""))
        #expect(left > 3500)
    }

    @Test("Idle expiry ends a session")
    func idleExpiry() throws {
        var browser = harness.browser()
        browser.login("ann")
        try harness.connection.run(script: "UPDATE session SET expires_at = now() - interval '1 second'")
        #expect(browser.get("/").status == .seeOther)
    }

    @Test("A session past the absolute cap is anonymous even while active")
    func absoluteCap() throws {
        var browser = harness.browser()
        browser.login("ann")
        #expect(browser.get("/").status == .ok)
        try harness.connection.run(script: "UPDATE session SET created_at = now() - interval '25 hours', expires_at = now() + interval '1 hour'")
        #expect(browser.get("/").status == .seeOther)
    }

    @Test("A user removed through the store is logged out at once")
    func removedUser() throws {
        try harness.addUser("bob")
        var browser = harness.browser()
        browser.login("bob")
        #expect(browser.get("/").status == .ok)
        try UserStore(database: harness.connection).remove(username: "bob")
        #expect(browser.get("/").status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM session s JOIN users u ON u.id = s.\"user\" WHERE u.username = 'bob'") == "0")
    }

    @Test("Logout deletes the row and hands out a new anonymous token")
    func logout() throws {
        var browser = harness.browser()
        browser.login("ann")
        let session = try #require(browser.cookie)
        let count = try harness.scalar("SELECT count(*) FROM session")
        let answer = browser.post("/auth/logout", [])
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/auth")
        #expect(browser.cookie != session)
        #expect(try harness.scalar("SELECT count(*) FROM session WHERE token = $1", [SessionToken(cookieValue: session)!.storageKey]) == "0")
        #expect(Int(try harness.scalar("SELECT count(*) FROM session") ?? "") == Int(count ?? "")! - 1)
        var old = harness.browser()
        old.cookie = session
        #expect(old.get("/").status == .seeOther)
    }

    @Test("Malformed, unknown, duplicated cookies are anonymous without error", arguments: [
        "garbage", "", "\"quoted\"", String(repeating: "A", count: 43), String(repeating: "x", count: 5000), "ZZZ=; ;;",
    ])
    func badCookies(value: String) {
        var browser = harness.browser()
        browser.cookie = value
        let answer = browser.get("/")
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/auth?next=/")
    }

    @Test("The purge removes expired rows and keeps live ones")
    func purge() throws {
        var live = harness.browser()
        live.login("ann")
        var old = harness.browser()
        old.login("ann")
        try harness.connection.run(script: "UPDATE session SET expires_at = now() - interval '1 minute' WHERE id = (SELECT min(id) FROM session)")
        let store = SessionStore(database: harness.connection, maxAge: 3600, absoluteMaxAge: 86400)
        #expect(try store.purgeExpired() >= 1)
        #expect(try harness.scalar("SELECT count(*) FROM session WHERE expires_at <= now()") == "0")
    }
}
