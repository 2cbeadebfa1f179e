import Foundation
@testable import Gatehouse
import Testing

/// SPEC: the database keeps only a reset link's SHA-256, outside the queued mail itself.
/// Every text-like and bytea column of every table is searched for the token, as text and
/// as its 32 random bytes. Only `mail_outbox.message` is left out, and only while the mail
/// waits: it is the mail that carries the link, and the sender empties it once sent.
@Suite("Reset tokens in the database", .serialized)
struct ResetTokenStorageTests {
    /// Every `table.column` holding `token` (its text, or its bytes in a bytea), but
    /// `mail_outbox.message`, whose holding it is returned separately.
    static func holders(of token: String, in connection: DatabaseConnection) throws -> (columns: [String], inWaitingMail: Bool) {
        let raw = try #require(Base64URL.decode(token))
        let textHex = Hex.lower(Array(token.utf8))
        let rawHex = Hex.lower(raw)
        var found: [String] = []
        var inMail = false
        let columns = try connection.query("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'bytea', 'jsonb', 'json')
            ORDER BY 1, 2
            """).rows
        #expect(columns.count > 20)
        for column in columns {
            guard let table = column[0], let name = column[1], let type = column[2] else { continue }
            let test = type == "bytea"
                ? "strpos(encode(t.\"\(name)\", 'hex'), p.text_hex) > 0 OR strpos(encode(t.\"\(name)\", 'hex'), p.raw_hex) > 0"
                : "strpos(t.\"\(name)\"::text, p.token) > 0 OR strpos(lower(t.\"\(name)\"::text), p.raw_hex) > 0"
            let count = try connection.query("""
                SELECT count(*) FROM "\(table)" t, (SELECT $1::text AS token, $2::text AS text_hex, $3::text AS raw_hex) p WHERE \(test)
                """, [token, textHex, rawHex]).scalar()
            if count != "0" {
                if table == "mail_outbox" && name == "message" { inMail = true } else { found.append("\(table).\(name)") }
            }
        }
        return (found, inMail)
    }

    @Test("While the mail waits and after the link is used, no column but the waiting mail holds the token")
    func onlyTheDigest() throws {
        let harness = try ResetPageTests.harness()
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        let link = try #require(try ResetPageTests.mailedLinks(harness).first)
        let token = String(link.suffix(43))

        let waiting = try Self.holders(of: token, in: harness.connection)
        #expect(waiting.columns.isEmpty, "\(waiting.columns)")
        // The search finds the token where it is: the queued mail carries it.
        #expect(waiting.inWaitingMail)
        #expect(try harness.scalar("SELECT encode(digest, 'hex') FROM password_reset") == Hex.lower(OpenSSL.sha256(token.utf8)))

        #expect(visitor.post(ResetPageTests.path(link), [("new_password", ResetPageTests.newPassword),
                                                          ("new_password2", ResetPageTests.newPassword)]).status == .seeOther)
        let used = try Self.holders(of: token, in: harness.connection)
        #expect(used.columns.isEmpty, "\(used.columns)")

        // Once sent, the mail row keeps no message, so nothing holds the token at all.
        var settings = harness.configuration.mail
        settings.directory = try TestEnvironment.temporaryDirectory("gatehouse-reset-mail")
        settings.smtp = nil
        #expect(try MailSender(settings: settings, metrics: Metrics()).deliverOne(on: harness.connection))
        let sent = try Self.holders(of: token, in: harness.connection)
        #expect(sent.columns.isEmpty && !sent.inWaitingMail)
    }
}
