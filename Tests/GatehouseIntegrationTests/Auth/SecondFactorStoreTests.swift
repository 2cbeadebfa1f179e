import Foundation
import Synchronization
@testable import Gatehouse
import Testing
import TestSupport

/// The second-factor tables under attack: concurrent use of one code, secrets at rest,
/// and the CLI's way back.
@Suite("Second factor storage", .serialized)
struct SecondFactorStoreTests {
    let harness: AppHarness
    let key = FactorSecretKey(secretKey: Array("test-secret-key-0123456789abcdef-0123456789".utf8))

    init() throws {
        harness = try AppHarness()
    }

    /// Runs `attempt` on `count` threads at once, each with its own connection.
    /// - Returns: how many returned `true`.
    func race(_ count: Int, _ attempt: @escaping @Sendable (DatabaseConnection) throws -> Bool) throws -> Int {
        let successes = Mutex(0), errors = Mutex<[String]>([])
        let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let conninfo = harness.database.conninfo
        for _ in 0..<count {
            Thread {
                defer { done.signal() }
                let connection = DatabaseConnection(conninfo: conninfo)
                _ = try? connection.query("SELECT 1")
                ready.signal()
                go.wait()
                do {
                    if try attempt(connection) { successes.withLock { $0 += 1 } }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        for _ in 0..<count { ready.wait() }
        for _ in 0..<count { go.signal() }
        for _ in 0..<count { done.wait() }
        #expect(errors.withLock { $0 }.isEmpty)
        return successes.withLock { $0 }
    }

    @Test("One recovery code used by 16 requests at once signs in once; the other nine still work")
    func recoveryCodeRace() throws {
        let id = try harness.addUser("dave")
        let codes = try RecoveryCodes(database: harness.connection).regenerate(userID: id)
        let code = codes[3]
        #expect(try race(16) { try RecoveryCodes(database: $0).consume(userID: id, typed: code) } == 1)
        #expect(try RecoveryCodes(database: harness.connection).remaining(userID: id) == 9)
        #expect(try !RecoveryCodes(database: harness.connection).consume(userID: id, typed: code))
        // Another user's code is no code of this user.
        let other = try harness.addUser("erin")
        let theirs = try RecoveryCodes(database: harness.connection).regenerate(userID: other)
        #expect(try !RecoveryCodes(database: harness.connection).consume(userID: id, typed: theirs[0]))
        // Only digests are stored.
        let stored = try harness.connection.query("SELECT encode(digest, 'hex') FROM recovery_code").rows.compactMap { $0[0] }
        #expect(stored.count == 19 && stored.allSatisfy { $0.count == 64 })
        #expect(!stored.contains { digest in codes.contains { digest.contains($0.filter { $0 != "-" }) } })
    }

    @Test("One TOTP code sent by 16 requests at once is accepted once; replays and swapped rows fail")
    func totpRace() throws {
        let id = try harness.addUser("frank")
        let store = TOTPStore(database: harness.connection, key: key)
        let secret = try #require(try store.pendingSecret(userID: id))
        let now = TOTP.currentTime()
        #expect(try !store.use(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now)), now: now))
        #expect(try store.confirm(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now) - 1), now: now))
        #expect(try store.pendingSecret(userID: id) == nil)
        let code = TOTP.code(secret: secret, step: TOTP.step(at: now) + 1)
        let key = self.key
        #expect(try race(16) { try TOTPStore(database: $0, key: key).use(userID: id, typed: code, now: now) } == 1)
        #expect(try !store.use(userID: id, typed: code, now: now))
        // The secret at rest is sealed: its bytes are not in the row.
        let box = try #require(try harness.scalar("SELECT encode(secret, 'hex') FROM totp_factor WHERE user_id = $1", [String(id)]))
        #expect(!box.contains(Hex.lower(secret)))
        // A row copied onto another user does not open for them: no factor, no sign-in.
        let other = try harness.addUser("grace")
        _ = try harness.connection.query(
            "INSERT INTO totp_factor (user_id, secret, confirmed_at) SELECT $2, secret, now() FROM totp_factor WHERE user_id = $1",
            [String(id), String(other)])
        #expect(try store.factor(userID: other) == nil)
        #expect(try !store.use(userID: other, typed: TOTP.code(secret: secret, step: TOTP.step(at: now) + 1), now: now + 30))
    }

    @Test("gatehouse user mfa NAME --reset removes the app, passkeys and every recovery code, audited; bad usage changes nothing")
    func cliReset() throws {
        let id = try harness.addUser("heidi")
        let store = TOTPStore(database: harness.connection, key: key)
        let secret = try #require(try store.pendingSecret(userID: id))
        let now = TOTP.currentTime()
        #expect(try store.confirm(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now)), now: now))
        _ = try RecoveryCodes(database: harness.connection).regenerate(userID: id)
        _ = try harness.connection.query(
            "INSERT INTO passkey (\"user\", credential_id, public_key, algorithm, name) VALUES ($1, '\\x01', '\\x02', -7, 'phone')", [String(id)])
        for bad in [["user", "mfa", "heidi"], ["user", "mfa", "--reset"], ["user", "mfa", "heidi", "--reset", "x"]] {
            let refused = try ScopeChangeTests.gatehouse(bad, conninfo: harness.database.conninfo)
            #expect(refused.status != 0, "\(bad)")
        }
        #expect(try SecondFactors(database: harness.connection).any(userID: id))
        let unknown = try ScopeChangeTests.gatehouse(["user", "mfa", "nobody", "--reset"], conninfo: harness.database.conninfo)
        #expect(unknown.status != 0)
        let reset = try ScopeChangeTests.gatehouse(["user", "mfa", "heidi", "--reset"], conninfo: harness.database.conninfo)
        #expect(reset.status == 0, "\(reset.errors)")
        #expect(reset.output.contains("heidi"))
        #expect(try !SecondFactors(database: harness.connection).any(userID: id))
        #expect(try RecoveryCodes(database: harness.connection).remaining(userID: id) == 0)
        #expect(try harness.scalar("SELECT detail FROM audit_log WHERE event = 'mfa_reset' AND username = 'heidi'") == "totp=removed passkeys=1 recovery_codes=10")
        #expect(try harness.scalar("SELECT count(*) FROM passkey") == "0")
    }

    @Test("Ending a user's sessions (password change, CLI, /admin) ends their half-done sign-ins too")
    func revokeEndsPending() throws {
        let id = try harness.addUser("ivan")
        let other = try harness.addUser("judy")
        let token = SessionToken.generate(), theirs = SessionToken.generate()
        let pending = PendingSignIn(database: harness.connection)
        try pending.start(token, userID: id, next: "/")
        try pending.start(theirs, userID: other, next: "/")
        try SessionStore(database: harness.connection, maxAge: 600, absoluteMaxAge: 6000)
            .create(SessionToken.generate(), userID: id, address: "198.51.100.1", userAgent: "x")
        #expect(try pending.find(token)?.userID == id)
        #expect(try SessionAdmin(database: harness.connection).revoke(username: "ivan") == 1)
        #expect(try pending.find(token) == nil)
        #expect(try !pending.finish(token))
        #expect(try pending.find(theirs)?.userID == other)
    }

    @Test("A new SECRET_KEY: an enrolled app no longer opens (no sign-in by code, the page shows it on); an enrolment starts over")
    func rotatedSecretKey() throws {
        let id = try harness.addUser("kate"), other = try harness.addUser("leo")
        let old = TOTPStore(database: harness.connection, key: key)
        let secret = try #require(try old.pendingSecret(userID: id))
        let now = TOTP.currentTime()
        #expect(try old.confirm(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now)), now: now))
        let pending = try #require(try old.pendingSecret(userID: other))
        let rotated = TOTPStore(database: harness.connection, key: FactorSecretKey(secretKey: Array("another secret key, 32 bytes or more".utf8)))
        #expect(try rotated.pendingSecret(userID: id) == nil)
        #expect(try rotated.isEnabled(userID: id))
        #expect(try !rotated.use(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now) + 1), now: now))
        let fresh = try #require(try rotated.pendingSecret(userID: other))
        #expect(fresh != pending)
        #expect(try rotated.pendingSecret(userID: other) == fresh)
    }
}
