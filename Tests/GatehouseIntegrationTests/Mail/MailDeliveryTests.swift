import Foundation
@testable import Gatehouse
import Testing

/// The outbox and its sender against real PostgreSQL and a real SMTP server.
@Suite("Mail delivery", .serialized)
struct MailDeliveryTests {
    let database: TestDatabase
    let connection: DatabaseConnection

    init() throws {
        database = try TestDatabase()
        connection = database.connect()
        try Migrations.run(on: connection)
    }

    static let sender = MailAddress("gatehouse@example.test")!

    func settings(smtp url: String?) throws -> MailSettings {
        var settings = MailSettings()
        settings.smtp = try url.map { url throws(ConfigurationError) in try SMTPEndpoint(parsing: url) }
        settings.sender = Self.sender
        return settings
    }

    func queue(_ count: Int, to recipient: String = "alice@example.test", subject: String = "Hello") throws {
        for number in 0..<count {
            try Outbox.enqueue(MailMessage(from: Self.sender, to: MailAddress(recipient)!, subject: "\(subject) \(number)",
                                           text: "Body \(number)", html: "<p>Body \(number)</p>"), on: connection)
        }
    }

    @Test("A queued mail arrives over SMTP once, and its row keeps no message")
    func arrives() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try queue(1)
        let sender = MailSender(settings: try settings(smtp: "smtp://127.0.0.1:\(sink.port)"), metrics: Metrics())
        #expect(try sender.deliverOne(on: connection))
        #expect(try !sender.deliverOne(on: connection))
        let messages = sink.waitForMessages(1)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("Subject: Hello 0") == true)
        #expect(messages.first?.contains("X-Envelope-To: alice@example.test") == true)
        #expect(try connection.query("SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND message IS NULL").scalar() == "1")
        #expect(sender.metrics.mailCount(.sent) == 1)
    }

    @Test("With the server down the mail waits, records the error, and arrives once the server is back")
    func waitsForServer() throws {
        let sink = try SMTPSink()
        sink.stop()
        try queue(1)
        let sender = MailSender(settings: try settings(smtp: "smtp://127.0.0.1:\(sink.port)"), metrics: Metrics())
        #expect(try sender.deliverOne(on: connection))
        let row = try connection.query("SELECT attempts, last_error, sent_at IS NULL, next_attempt_at > now() FROM mail_outbox").rows.first
        #expect(row?[0] == "1")
        #expect(row?[1]?.isEmpty == false)
        #expect(row?[2] == "t")
        #expect(row?[3] == "t")
        #expect(try Outbox.list(on: connection).first?.state == "waiting")
        try sink.start()
        defer { sink.stop() }
        // Not due yet: the backoff holds it.
        #expect(try !sender.deliverOne(on: connection))
        sleep(UInt32(MailSender.firstDelay) + 1)
        #expect(try sender.deliverOne(on: connection))
        #expect(sink.waitForMessages(1).count == 1)
        #expect(try Outbox.list(on: connection).isEmpty)
    }

    @Test("Two senders on two connections deliver each of 40 mails exactly once")
    func twoSendersOnce() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try queue(40)
        let settings = try settings(smtp: "smtp://127.0.0.1:\(sink.port)")
        let conninfo = database.conninfo
        let done = DispatchGroup()
        for _ in 0..<2 {
            done.enter()
            Foundation.Thread.detachNewThread {
                let own = DatabaseConnection(conninfo: conninfo)
                let sender = MailSender(settings: settings, metrics: Metrics())
                while (try? sender.deliverOne(on: own)) == true {}
                done.leave()
            }
        }
        done.wait()
        let messages = sink.waitForMessages(40)
        let subjects = messages.compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") } }.map(String.init)
        #expect(subjects.count == 40)
        #expect(Set(subjects).count == 40)
        #expect(try connection.query("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL").scalar() == "0")
    }

    @Test("STARTTLS is required of a server that is not on loopback: one without it gets nothing")
    func startTLSRequired() throws {
        guard let address = Self.nonLoopbackAddress() else {
            Issue.record("this machine has no non-loopback IPv4 address to test with")
            return
        }
        let sink = try SMTPSink(host: address)
        defer { sink.stop() }
        try queue(1)
        let sender = MailSender(settings: try settings(smtp: "smtp://\(address):\(sink.port)"), metrics: Metrics())
        #expect(try sender.deliverOne(on: connection))
        #expect(sink.messages().isEmpty)
        #expect(try connection.query("SELECT sent_at IS NULL, last_error FROM mail_outbox").rows.first?[0] == "t")
    }

    @Test("Without SMTP_URL each mail is written whole to MAIL_DIR as an .eml file")
    func mailDirectory() throws {
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-maildir") + "/nested/mail"
        var settings = try settings(smtp: nil)
        settings.directory = directory
        try queue(2)
        let sender = MailSender(settings: settings, metrics: Metrics())
        while try sender.deliverOne(on: connection) {}
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 2)
        #expect(files.allSatisfy { !$0.hasPrefix(".") })
    }

    /// The first IPv4 address of this machine outside 127.0.0.0/8.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let raw = entry.pointee.ifa_addr, raw.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.hasPrefix("127.") { return text }
        }
        return nil
    }
}
