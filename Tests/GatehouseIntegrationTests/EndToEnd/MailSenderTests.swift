import Foundation
@testable import Gatehouse
import Testing

/// The sender threads of a running `gatehouse serve` (two worker processes, so two
/// senders) against a real SMTP server, and what /metrics says about it.
@Suite("End to end: mail sender", .serialized)
struct MailSenderTests {
    @Test("Two worker processes send each queued mail once; /metrics counts them sent and none waiting")
    func serveSendsOnce() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let database = try TestDatabase()
        let connection = database.connect()
        try Migrations.run(on: connection)
        let sender = MailAddress("gatehouse@example.test")!
        for number in 0..<20 {
            try Outbox.enqueue(MailMessage(from: sender, to: MailAddress("user\(number)@example.test")!, subject: "Notice \(number)",
                                           text: "text", html: "<p>html</p>"), on: connection)
        }
        let stack = try Stack(database: database, settings: [
            "WORKER_PROCESSES": "2", "PUBLIC_URL": "http://127.0.0.1", "SMTP_URL": "smtp://127.0.0.1:\(sink.port)",
        ])
        defer { _ = stack.stop() }
        let messages = sink.waitForMessages(20, seconds: 20)
        #expect(messages.count == 20)
        sleep(2)
        #expect(sink.messages().count == 20)
        let recipients = messages.compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("X-Envelope-To: ") } }
        #expect(Set(recipients).count == 20)
        #expect(try connection.query("SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND message IS NULL").scalar() == "20")
        let scrape = try stack.client.send("GET", "/metrics").text
        #expect(scrape.contains("\ngatehouse_mail_sent_total 20\n"))
        #expect(scrape.contains("\ngatehouse_mail_waiting 0\n"))
        #expect(scrape.contains("\ngatehouse_mail_failed_total 0\n"))
    }
}
