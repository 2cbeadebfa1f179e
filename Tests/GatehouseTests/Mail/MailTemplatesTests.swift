import Foundation
@testable import Gatehouse
import Testing

/// `templates/mail/`: each mail renders to a subject, a plain text and an HTML part, and
/// start-up refuses mail templates that would render wrongly.
@Suite("Mail templates")
struct MailTemplatesTests {
    static let from = MailAddress("gatehouse@example.test")!
    static let to = MailAddress("alice@example.test")!
    static let directory = RepoTemplates.directory + "/mail"

    /// A directory holding `files` (name → text), for templates start-up must refuse; every
    /// kind of mail but `reset` gets plain, valid templates, so only `files` are judged.
    func directory(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "gatehouse-mail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var all = files
        for kind in MailKind.allCases where kind != .reset {
            all[kind.rawValue + ".txt"] = "Subject: x\n\nbody\n"
            all[kind.rawValue + ".html"] = "<p>x</p>"
        }
        for (name, text) in all { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    @Test("The repository's mail templates parse, and every kind of mail has both parts")
    func repositoryTemplates() throws {
        let templates = try MailTemplates(directory: Self.directory)
        for kind in MailKind.allCases {
            let message = try templates.message(kind, from: Self.from, to: Self.to, values: ["site": "https://auth.example.test"])
            #expect(!message.subject.text.isEmpty, "\(kind)")
            #expect(message.html?.contains("<html") == true, "\(kind)")
        }
    }

    @Test("The reset mail carries the link and the lifetime; the text part is not HTML-escaped, the HTML part is")
    func resetMail() throws {
        let templates = try MailTemplates(directory: Self.directory)
        let link = "https://auth.example.test/auth/reset/abc_DEF-123"
        let message = try templates.message(.reset, from: Self.from, to: Self.to, name: "Alice", values: [
            "site": "https://auth.example.test", "link": .string(link), "minutes": 30, "username": "o'neil<&>",
        ])
        #expect(message.subject.text == "Reset your password")
        #expect(message.text.hasPrefix("Hello o'neil<&>,"))
        #expect(message.text.contains("\n" + link + "\n"))
        #expect(message.text.contains("within 30 minutes"))
        #expect(!message.text.contains("&amp;") && !message.text.contains("&#"))
        let html = try #require(message.html)
        #expect(html.contains("href=\"\(link)\""))
        #expect(html.contains("o&#39;neil&lt;&amp;&gt;"))
        #expect(!html.contains("o'neil<&>"))
        let rendered = String(decoding: message.rendered(date: 0, uniqueness: [1]), as: UTF8.self)
        #expect(rendered.contains("Subject: Reset your password\r\n"))
        #expect(rendered.contains("multipart/alternative"))
    }

    @Test("A kind of mail without its .html or .txt template stops start-up, naming the file")
    func missingTemplate() throws {
        let path = try directory(["reset.txt": "Subject: x\n\nbody\n"])
        let error = #expect(throws: TemplateError.self) { try MailTemplates(directory: path) }
        #expect(error?.file == path + "/reset.html")
    }

    @Test("A plain-text template with a double-brace variable stops start-up at its line")
    func escapedVariableRefused() throws {
        let path = try directory(["reset.txt": "Subject: x\n\nHello,\n{{link}}\n", "reset.html": "<p>{{link}}</p>"])
        let error = #expect(throws: TemplateError.self) { try MailTemplates(directory: path) }
        #expect(error?.file == path + "/reset.txt")
        #expect(error?.line == 4)
        #expect(error?.message.contains("{{{name}}}") == true)
    }

    @Test("A plain-text template without its Subject: line and blank line stops start-up", arguments: [
        "Hello {{{link}}}\n", "Subject: x\nbody without a blank line\n", "subject: x\n\nbody\n",
    ])
    func subjectRequired(_ text: String) throws {
        let path = try directory(["reset.txt": text, "reset.html": "<p>{{link}}</p>"])
        let error = #expect(throws: TemplateError.self) { try MailTemplates(directory: path) }
        #expect(error?.file == path + "/reset.txt")
    }

    @Test("Without templates (an application built without them) a mail cannot be rendered")
    func noTemplates() {
        #expect(throws: MailTemplates.Failure.self) {
            try MailTemplates().message(.reset, from: Self.from, to: Self.to, values: [:])
        }
    }

    @Test("CR/LF in a value can neither add a header nor end the Subject: line: values are single lines")
    func subjectValueInjection() throws {
        let path = try directory(["reset.txt": "Subject: Hi {{{username}}}\n\nbody\n", "reset.html": "<p>x</p>"])
        let templates = try MailTemplates(directory: path)
        let message = try templates.message(.reset, from: Self.from, to: Self.to, values: ["username": "x\r\nBcc: evil@example.test"])
        let rendered = String(decoding: message.rendered(date: 0, uniqueness: [1]), as: UTF8.self)
        let head = rendered.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!head.contains { $0.hasPrefix("Bcc:") })
        #expect(message.subject.text == "Hi x  Bcc: evil@example.test")
        #expect(message.text == "body\n")
    }
}
