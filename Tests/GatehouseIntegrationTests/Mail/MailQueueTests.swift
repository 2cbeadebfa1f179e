import Foundation
@testable import Gatehouse
import Testing

/// Rendering a named mail and queuing it on the caller's connection, against real
/// PostgreSQL: it commits and rolls back with the change it belongs to.
@Suite("Mail queue", .serialized)
struct MailQueueTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness(settings: ["PUBLIC_URL": "https://auth.example.test", "MAIL_FROM": "noreply@example.test"])
    }

    static let alice = MailAddress("alice@example.test")!

    func queue(on connection: DatabaseConnection) throws -> Int {
        let application = harness.application
        return try application.mailTemplates.queue(
            .reset, from: application.configuration.mail.sender, to: Self.alice, name: "Alice Liddell",
            values: ["site": "https://auth.example.test", "link": "https://auth.example.test/auth/reset/TOKEN", "minutes": 30,
                     "username": "alice"],
            on: connection, metrics: application.metrics)
    }

    @Test("A queued mail is one waiting outbox row: recipient, subject, and the whole rendered message")
    func queued() throws {
        let id = try queue(on: harness.connection)
        let row = try #require(try harness.connection.query(
            "SELECT id, recipient, subject, sent_at IS NULL, convert_from(message, 'UTF8') FROM mail_outbox").rows.first)
        #expect(row[0] == String(id))
        #expect(row[1] == "alice@example.test")
        #expect(row[2] == "Reset your password")
        #expect(row[3] == "t")
        let message = try #require(row[4])
        #expect(message.contains("From: noreply@example.test\r\n"))
        #expect(message.contains("To: \"Alice Liddell\" <alice@example.test>\r\n"))
        #expect(message.contains("https://auth.example.test/auth/reset/TOKEN"))
        #expect(message.contains("Content-Type: text/html; charset=utf-8"))
        #expect(harness.application.metrics.mailCount(.queued) == 1)
    }

    @Test("Queued inside a transaction that rolls back, the mail is gone with the change")
    func rolledBack() throws {
        struct Abandoned: Error {}
        let connection = harness.connection
        #expect(throws: Abandoned.self) {
            try connection.transaction {
                _ = try queue(on: connection)
                throw Abandoned()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM mail_outbox").scalar() == "0")
        try connection.transaction { _ = try queue(on: connection) }
        #expect(try connection.query("SELECT count(*) FROM mail_outbox").scalar() == "1")
    }
}
