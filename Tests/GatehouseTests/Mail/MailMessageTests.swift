import Foundation
@testable import Gatehouse
import Testing

/// Building mail: no header value can add a header, non-ASCII goes through RFC 2047.
@Suite("Mail messages")
struct MailMessageTests {
    static let from = MailAddress("gatehouse@example.test")!
    static let to = MailAddress("alice@example.test")!

    /// The header block of a rendered message, split into lines.
    func headerLines(_ message: MailMessage) -> [String] {
        let text = String(decoding: message.rendered(date: 0, uniqueness: [1, 2, 3]), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.components(separatedBy: "\r\n")
    }

    @Test("CR, LF and NUL in a subject or name cannot start a header", arguments: [
        "Hi\r\nBcc: evil@example.test", "Hi\nBcc: evil@example.test", "Hi\rBcc: evil@example.test", "Hi\0Bcc: evil@example.test",
        "Hi\u{85}Bcc: evil@example.test",
    ])
    func headerInjection(_ hostile: String) {
        let lines = headerLines(MailMessage(from: Self.from, to: Self.to, name: hostile, subject: hostile, text: "x", html: "<p>x</p>"))
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
        #expect(lines.allSatisfy { !$0.contains("\0") && !$0.contains("\n") && !$0.contains("\r") })
        #expect(lines.filter { $0.hasPrefix("Subject:") }.count == 1)
    }

    @Test("Addresses with CR, LF, spaces, brackets or two @ are refused", arguments: [
        "a@b.test\r\nBcc: c@d.test", "a b@c.test", "<a@b.test>", "a@b@c.test", "a@b.test,c@d.test", "", "a@", "@b.test",
        ".a@b.test", "a..b@c.test", "ä@b.test", "a@-.test\0",
    ])
    func badAddresses(_ text: String) {
        #expect(MailAddress(text) == nil)
        #expect(MailAddress.problem(text) != nil)
    }

    @Test("Plain addresses are accepted, the domain lowered")
    func goodAddresses() {
        #expect(MailAddress("Alice.Smith+tag@Example.TEST")?.text == "Alice.Smith+tag@example.test")
    }

    @Test("A non-ASCII subject and name become RFC 2047 encoded words")
    func encodedWords() {
        let lines = headerLines(MailMessage(from: Self.from, to: Self.to, name: "Zoë Ünal", subject: "Grüße", text: "x"))
        #expect(lines.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?="))
        #expect(lines.contains { $0.hasPrefix("To: =?UTF-8?B?") && $0.hasSuffix(" <alice@example.test>") })
    }

    @Test("An ASCII name with specials is quoted")
    func quotedName() {
        let lines = headerLines(MailMessage(from: Self.from, to: Self.to, name: "Smith, \"Al\" <x@y>", subject: "s", text: "x"))
        #expect(lines.contains("To: \"Smith, \\\"Al\\\" <x@y>\" <alice@example.test>"))
    }

    @Test("Text and HTML go as multipart/alternative with Date and Message-ID")
    func multipart() {
        let text = String(decoding: MailMessage(from: Self.from, to: Self.to, subject: "s", text: "plain", html: "<b>rich</b>")
            .rendered(date: 0, uniqueness: [0xAB]), as: UTF8.self)
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"=_gatehouse_ab\""))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(text.contains("Message-ID: <ab@example.test>"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(text.hasSuffix("--=_gatehouse_ab--\r\n"))
    }

    @Test("SMTP_URL: loopback may skip STARTTLS, other hosts may not; bad schemes are refused")
    func endpoints() throws {
        #expect(try SMTPEndpoint(parsing: "smtp://127.0.0.1:2525").tlsOptional)
        #expect(try SMTPEndpoint(parsing: "smtp://user:pw@localhost").tlsOptional)
        #expect(try SMTPEndpoint(parsing: "smtp://[::1]:25/").tlsOptional)
        #expect(try !SMTPEndpoint(parsing: "smtp://mail.example.com:587").tlsOptional)
        #expect(try !SMTPEndpoint(parsing: "smtps://127.0.0.1").tlsOptional)
        for bad in ["http://mail.example.com", "smtp://", "smtp://host:0", "smtp://host:99999", "smtp://host/path", "smtp://ho st", "file:///etc/passwd"] {
            #expect(throws: ConfigurationError.self) { try SMTPEndpoint(parsing: bad) }
        }
        #expect(SMTPEndpoint.redacted("smtp://user:secret@mail.example.com") == "smtp://user:********@mail.example.com")
    }

    @Test("SMTP_URL needs PUBLIC_URL; MAIL_FROM and RESET_MAX_AGE are checked; exit 78 names the key")
    func configuration() throws {
        let base = ["SECRET_KEY": String(repeating: "k", count: 32)]
        func load(_ extra: [String: String]) throws(ConfigurationError) -> Configuration {
            try Configuration.validated(base.merging(extra) { $1 }, onlineCores: 1)
        }
        #expect(throws: ConfigurationError(key: "SMTP_URL", message: "needs PUBLIC_URL, the site the links in mail lead to")) {
            try load(["SMTP_URL": "smtp://127.0.0.1"])
        }
        #expect { try load(["PUBLIC_URL": "https://a.example", "SMTP_URL": "ftp://x"]) } throws: { ($0 as? ConfigurationError)?.key == "SMTP_URL" }
        #expect { try load(["MAIL_FROM": "not an address"]) } throws: { ($0 as? ConfigurationError)?.key == "MAIL_FROM" }
        #expect { try load(["RESET_MAX_AGE": "5"]) } throws: { ($0 as? ConfigurationError)?.key == "RESET_MAX_AGE" }
        let configured = try load(["PUBLIC_URL": "https://auth.example.com", "SMTP_URL": "smtps://u:p@mail.example.com:465"])
        #expect(configured.mail.sender.text == "gatehouse@auth.example.com")
        #expect(configured.mail.resetMaxAge == 1800)
        #expect(configured.redactedDescription().contains("SMTP_URL=smtps://u:********@mail.example.com:465"))
    }
}
