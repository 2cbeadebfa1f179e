@testable import Gatehouse
import Testing

/// How the lockout keys attempts (IPv6 per /64) and what it writes while locked.
@Suite("Lockout keys and audit", .serialized)
struct LockoutKeyTests {
    @Test("IPv6 addresses count per /64: fresh addresses in one /64 share the (user, address) limit")
    func ipv6PerSlash64() throws {
        let harness = try AppHarness()
        try harness.addUser("victim")
        for host in 1...5 {
            var attacker = harness.browser(address: "2001:db8:1:2::\(host)")
            #expect(attacker.login("victim", "guess guess guess").status == .unauthorized)
        }
        var sameBlock = harness.browser(address: "2001:db8:1:2:ffff:ffff:ffff:fffe")
        #expect(sameBlock.login("victim").status == .tooManyRequests)
        var otherBlock = harness.browser(address: "2001:db8:1:3::1")
        #expect(otherBlock.login("victim").status == .seeOther)
        #expect(try harness.scalar("SELECT DISTINCT address FROM login_failure") == "2001:db8:1:2::/64")
    }

    @Test("LOGIN_IP_LIMIT counts a /64 as one address")
    func ipv6AddressLimit() throws {
        let harness = try AppHarness(settings: ["LOGIN_IP_LIMIT": "3"])
        try harness.addUser("victim")
        for (host, name) in zip(["a", "b", "c"], ["u1", "u2", "u3"]) {
            var spray = harness.browser(address: "2001:db8:77:1::\(host)")
            #expect(spray.login(name, "whatever password").status == .unauthorized)
        }
        var next = harness.browser(address: "2001:db8:77:1::d")
        #expect(next.login("victim").status == .tooManyRequests)
    }

    @Test("A locked key writes one login_locked audit row per window, however many requests it refuses")
    func oneAuditRowPerKeyAndWindow() throws {
        let harness = try AppHarness()
        try harness.addUser("victim")
        try harness.addUser("other")
        var attacker = harness.browser(address: "198.51.100.66")
        for _ in 0..<5 { attacker.login("victim", "guess guess guess") }
        for _ in 0..<10 { #expect(attacker.login("victim").status == .tooManyRequests) }
        let locked = "SELECT count(*) FROM audit_log WHERE event = 'login_locked'"
        #expect(try harness.scalar(locked) == "1")
        #expect(try harness.scalar("SELECT detail FROM audit_log WHERE event = 'login_locked'")
            == "limit=LOGIN_FAILURE_LIMIT user=victim address=198.51.100.66")
        // Another key is another row.
        for _ in 0..<5 { attacker.login("other", "guess guess guess") }
        for _ in 0..<3 { #expect(attacker.login("other").status == .tooManyRequests) }
        #expect(try harness.scalar(locked) == "2")
        // The next window's lock is written again.
        try harness.connection.run(script: """
            UPDATE login_failure SET at = at - interval '16 minutes';
            UPDATE audit_log SET at = at - interval '16 minutes';
            """)
        for _ in 0..<5 { attacker.login("victim", "guess guess guess") }
        #expect(attacker.login("victim").status == .tooManyRequests)
        #expect(try harness.scalar(locked) == "3")
    }

    @Test("A right password forgets the pair's failures, but never guesses still being judged")
    func successKeepsPending() throws {
        let harness = try AppHarness()
        try harness.addUser("victim")
        var owner = harness.browser(address: "198.51.100.80")
        for _ in 0..<3 { owner.login("victim", "typo typo typo") }
        // A guess from the same pair in flight on another worker: a reserved, unsettled row.
        try harness.connection.run(script: """
            INSERT INTO login_failure (username, address, pending) VALUES ('victim', '198.51.100.80', true)
            """)
        var fresh = harness.browser(address: "198.51.100.80")
        #expect(fresh.login("victim").status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM login_failure") == "1")
        #expect(try harness.scalar("SELECT pending FROM login_failure") == "t")
    }

    @Test("Guesses still being judged fill the limit: the next is refused for a moment (429, Retry-After: 1), not locked out")
    func busyWhileJudged() throws {
        let harness = try AppHarness()
        try harness.addUser("victim")
        // Five guesses in flight on other workers: reserved, unsettled rows.
        try harness.connection.run(script: """
            INSERT INTO login_failure (username, address, pending) SELECT 'victim', '198.51.100.90', true FROM generate_series(1, 5)
            """)
        var browser = harness.browser(address: "198.51.100.90")
        let busy = browser.login("victim")
        #expect(busy.status == .tooManyRequests)
        #expect(busy.header("Retry-After") == "1")
        #expect(busy.text.contains("at once"))
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'login_locked'") == "0")
        // Once they are judged wrong, the key is locked for the window.
        try harness.connection.run(script: "UPDATE login_failure SET pending = false")
        let locked = browser.login("victim")
        #expect(locked.header("Retry-After") == "900")
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'login_locked'") == "1")
    }

    @Test("Every password check spends the configured PBKDF2 cost: legacy, current, passwordless and unknown users")
    func uniformCost() throws {
        let configured = 150_000
        let harness = try AppHarness(settings: ["PBKDF2_ITERATIONS": String(configured)])
        try harness.addUser("current")
        // The original design's row: 100000 iterations, no iteration column.
        let salt = [UInt8](repeating: 7, count: 32)
        let legacy = OpenSSL.pbkdf2SHA256(password: Array("old password".utf8), salt: salt, iterations: 100_000, length: 32)
        _ = try harness.connection.query("""
            INSERT INTO users (username, p_hash, p_salt, scope, info) VALUES
                ('legacy', decode($1, 'hex'), decode($2, 'hex'), '["authenticated"]', '{}'),
                ('nopassword', NULL, NULL, '["authenticated"]', '{}')
            """, [Hex.lower(legacy), Hex.lower(salt)])
        let authenticator = Authenticator(database: harness.connection, iterations: configured)
        for (name, password, matched) in [("legacy", "a wrong guess", false), ("legacy", "old password", true),
                                          ("current", "a wrong guess", false), ("nopassword", "a wrong guess", false),
                                          ("nobody", "a wrong guess", false), ("bad name!", "a wrong guess", false)] {
            let check = try authenticator.check(password, against: authenticator.lookup(username: name))
            #expect(check == PasswordHasher.Check(matched: matched, iterations: configured), "\(name) / \(password)")
        }
        // The legacy row was upgraded by its right password.
        #expect(try harness.scalar("SELECT p_iterations FROM users WHERE username = 'legacy'") == String(configured))
    }
}
