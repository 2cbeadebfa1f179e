@testable import Gatehouse
import Testing

/// The passkey table and the challenge table against the real PostgreSQL.
@Suite("Passkey store", .serialized)
struct PasskeyStoreTests {
    let harness: AppHarness
    let store: PasskeyStore
    let challenges: PasskeyChallengeStore
    let ann: Int
    let bob: Int

    init() throws {
        harness = try AppHarness()
        store = PasskeyStore(database: harness.connection)
        challenges = PasskeyChallengeStore(database: harness.connection)
        ann = try harness.addUser("ann")
        bob = try harness.addUser("bob")
    }

    func credential(_ id: [UInt8], _ algorithm: FIDO2.Algorithm = .es256) -> FIDO2.Credential {
        FIDO2.Credential(id: id, publicKey: [UInt8](repeating: 9, count: 64), algorithm: algorithm)
    }

    @Test("add, list, find, rename and remove; only the owner renames or removes")
    func lifecycle() throws {
        let first = try #require(try store.add(userID: ann, credential: credential([1, 2, 3]), signCount: 0, name: " Laptop\u{0}\n "))
        let second = try #require(try store.add(userID: ann, credential: credential([4], .eddsa), signCount: 5, name: ""))
        let listed = try store.list(userID: ann)
        #expect(listed.map(\.id) == [first, second])
        #expect(listed.map(\.name) == ["Laptop", "Passkey"])
        #expect(listed[0].lastUsedAt == nil && !listed[0].createdAt.isEmpty)
        #expect(listed[1].key == PasskeyVerifier.StoredKey(publicKey: [UInt8](repeating: 9, count: 64), algorithm: .eddsa, signCount: 5))
        #expect(try store.list(userID: bob).isEmpty)
        #expect(try store.find(credentialID: [4])?.id == second)

        #expect(try !store.rename(id: first, userID: bob, to: "mine now"))
        #expect(try store.rename(id: first, userID: ann, to: String(repeating: "k", count: 100)))
        #expect(try store.find(credentialID: [1, 2, 3])?.name == String(repeating: "k", count: 64))
        #expect(try !store.remove(id: first, userID: bob))
        #expect(try store.remove(id: first, userID: ann))
        #expect(try store.find(credentialID: [1, 2, 3]) == nil)
        #expect(try store.list(userID: ann).map(\.id) == [second])
    }

    @Test("a credential id is stored once, whoever adds it; an unknown id finds nothing")
    func uniqueCredential() throws {
        #expect(try store.add(userID: ann, credential: credential([7, 7]), signCount: 0, name: "a") != nil)
        #expect(try store.add(userID: bob, credential: credential([7, 7]), signCount: 0, name: "b") == nil)
        #expect(try store.find(credentialID: [7, 7])?.userID == ann)
        #expect(try store.find(credentialID: [7, 8]) == nil)
        #expect(try store.find(credentialID: []) == nil)
        #expect(try store.find(credentialID: [UInt8](repeating: 1, count: 1024)) == nil)
    }

    @Test("the sign count only moves forward, even for a replay judged on a stale read")
    func signCountForward() throws {
        let id = try #require(try store.add(userID: ann, credential: credential([5]), signCount: 0, name: "key"))
        let staleRead = try #require(try store.find(credentialID: [5]))
        // The real authenticator signs in with count 10 ...
        #expect(try store.recordUse(id: id, signCount: 10))
        // ... while a cloned or replayed assertion with count 5 passed the check against the
        // stale row (0 < 5): the conditional update refuses it and the count stays 10.
        try WebAuthnChecks.checkSignCount(stored: staleRead.key.signCount, received: 5)
        #expect(try !store.recordUse(id: id, signCount: 5))
        #expect(try !store.recordUse(id: id, signCount: 10))
        let now = try #require(try store.find(credentialID: [5]))
        #expect(now.key.signCount == 10)
        #expect(now.lastUsedAt != nil)
        #expect(try store.recordUse(id: id, signCount: 11))
        // An authenticator without a counter (always 0) is recorded every time.
        let counterless = try #require(try store.add(userID: ann, credential: credential([6]), signCount: 0, name: "k"))
        #expect(try store.recordUse(id: counterless, signCount: 0))
        #expect(try store.recordUse(id: counterless, signCount: 0))
    }

    @Test("a user's passkeys go with the user")
    func cascade() throws {
        _ = try store.add(userID: bob, credential: credential([9]), signCount: 0, name: "b")
        _ = try harness.connection.query("DELETE FROM users WHERE id = $1", [String(bob)])
        #expect(try store.find(credentialID: [9]) == nil)
    }

    @Test("a challenge is taken once, per purpose, within five minutes; a new one replaces the old")
    func challengesSingleUse() throws {
        let issued = try challenges.issue(owner: "owner-a", purpose: .registration)
        #expect(issued.count == 32)
        #expect(try challenges.take(owner: "owner-a", purpose: .signIn) == nil)
        #expect(try challenges.take(owner: "owner-b", purpose: .registration) == nil)
        #expect(try challenges.take(owner: "owner-a", purpose: .registration) == issued)
        // Replayed: the response presented again finds no challenge.
        #expect(try challenges.take(owner: "owner-a", purpose: .registration) == nil)

        let old = try challenges.issue(owner: "owner-a", purpose: .signIn)
        let new = try challenges.issue(owner: "owner-a", purpose: .signIn)
        #expect(old != new)
        #expect(try challenges.take(owner: "owner-a", purpose: .signIn) == new)

        _ = try challenges.issue(owner: "owner-c", purpose: .signIn)
        _ = try harness.connection.query("UPDATE passkey_challenge SET expires_at = now() - interval '1 second' WHERE owner = 'owner-c'")
        #expect(try challenges.take(owner: "owner-c", purpose: .signIn) == nil)
        #expect(try harness.scalar("SELECT count(*) FROM passkey_challenge WHERE owner = 'owner-c'") == "0")
    }

    @Test("the purge deletes expired challenges and keeps live ones")
    func purge() throws {
        _ = try challenges.issue(owner: "live", purpose: .signIn)
        _ = try challenges.issue(owner: "dead", purpose: .signIn)
        _ = try harness.connection.query("UPDATE passkey_challenge SET expires_at = now() - interval '1 minute' WHERE owner = 'dead'")
        try Purge.run(database: harness.connection, configuration: harness.configuration)
        #expect(try harness.scalar("SELECT string_agg(owner, ',') FROM passkey_challenge") == "live")
    }

    @Test("a W3C vector end to end: challenge issued, registration stored, assertion verified and recorded; a replay refused")
    func vectorThroughStore() throws {
        let site = try #require(RelyingParty(origin: "https://example.org"))
        // The vectors' challenges are fixed, so the stored challenge is set to them.
        let registrationChallenge = try #require(Hex.decode("7869c2b772d4b58eba9378cf8f29e26cf935aa77df0da89fa99c0bdc0a76f7e5".utf8))
        _ = try challenges.issue(owner: "s", purpose: .registration)
        _ = try harness.connection.query("UPDATE passkey_challenge SET challenge = $1::bytea", [Bytea.encode(registrationChallenge)])
        let taken = try #require(try challenges.take(owner: "s", purpose: .registration))
        let passkey = try PasskeyVerifier.register(
            attestationObject: #require(Hex.decode(SelfAttested.attestationObject.utf8)),
            clientDataJSON: #require(Hex.decode(SelfAttested.registrationClientData.utf8)),
            issuedChallenge: taken, party: site, requireUserVerification: false)
        let id = try #require(try store.add(userID: ann, credential: passkey.credential, signCount: passkey.signCount, name: "vector"))
        let found = try #require(try store.find(credentialID: passkey.credential.id))
        #expect(found.id == id)
        let assertionChallenge = try #require(Hex.decode("4478a10b1352348dd160c1353b0d469b5db19eb91c27f7dfa6fed39fe26af20b".utf8))
        let assertion = try PasskeyVerifier.authenticate(
            authenticatorData: #require(Hex.decode(SelfAttested.authenticatorData.utf8)),
            clientDataJSON: #require(Hex.decode(SelfAttested.assertionClientData.utf8)),
            signature: #require(Hex.decode(SelfAttested.signature.utf8)), issuedChallenge: assertionChallenge,
            stored: found.key, party: site, requireUserVerification: false)
        #expect(try store.recordUse(id: found.id, signCount: assertion.signCount))
        // The same response again: its challenge was taken, so none is left to match.
        #expect(try challenges.take(owner: "s", purpose: .registration) == nil)
    }
}
