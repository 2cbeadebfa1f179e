import Foundation
@testable import Gatehouse
import Testing

/// The maintenance pass deletes rows of mail sent long ago, never mail that waits or failed.
@Suite("Outbox purge", .serialized)
struct OutboxPurgeTests {
    @Test("Sent rows older than a week go; newer sent rows, waiting and failed mail of any age stay")
    func sentRowsGo() throws {
        let harness = try AppHarness()
        try harness.connection.run(script: """
            INSERT INTO mail_outbox (recipient, subject, created_at, sent_at)
                SELECT 'old@example.test', 'old sent', now() - interval '9 days', now() - interval '8 days' FROM generate_series(1, 12000);
            INSERT INTO mail_outbox (recipient, subject, created_at, sent_at)
                VALUES ('new@example.test', 'recent sent', now() - interval '6 days', now() - interval '6 days');
            INSERT INTO mail_outbox (recipient, subject, message, created_at)
                VALUES ('wait@example.test', 'old waiting', '\\x41', now() - interval '30 days');
            INSERT INTO mail_outbox (recipient, subject, created_at, failed_at, last_error)
                VALUES ('fail@example.test', 'old failed', now() - interval '30 days', now() - interval '29 days', 'SMTP 550');
            """)
        try Purge.run(database: harness.connection, configuration: harness.configuration)
        let left = try harness.connection.query("SELECT subject FROM mail_outbox ORDER BY subject").rows.compactMap { $0[0] }
        #expect(left == ["old failed", "old waiting", "recent sent"])
        #expect(try Outbox.list(on: harness.connection).map(\.subject) == ["old waiting", "old failed"])
    }
}
