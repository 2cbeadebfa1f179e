import Foundation
import Testing
import TestSupport

/// A broken mail template stops `check-config` and `serve` (exit 78, file and line) just
/// as a broken page does: a reset link must not first fail when someone asks for one.
@Suite("Mail templates at start-up", .serialized)
struct MailTemplateStartupTests {
    func gatehouse(_ arguments: [String], templates: String) throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment["DATABASE_URL"] = "host=/nonexistent dbname=none"
        environment["SECRET_KEY"] = "cli-test-secret-key-0123456789abcdef-01"
        environment["TEMPLATES_DIR"] = templates
        environment["LISTEN"] = "unix:/nonexistent/gatehouse.sock"
        return try ChildProcess.run(try TestEnvironment.binary(), arguments, environment: environment)
    }

    @Test("A missing HTML part or an HTML-escaping {{x}} in a plain-text mail: exit 78 naming the file")
    func brokenMailTemplate() throws {
        let copy = try TestEnvironment.temporaryDirectory("gatehouse-mail-templates")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        for name in try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.repoRoot + "/templates") {
            try FileManager.default.copyItem(atPath: TestEnvironment.repoRoot + "/templates/" + name, toPath: copy + "/" + name)
        }
        #expect(try gatehouse(["check-config"], templates: copy).output.contains("configuration ok"))

        try "Subject: Reset\n\nOpen {{link}}\n".write(toFile: copy + "/mail/reset.txt", atomically: true, encoding: .utf8)
        for command in ["check-config", "serve"] {
            let outcome = try gatehouse([command], templates: copy)
            #expect(outcome.status == 78, "\(command)")
            #expect(outcome.errors.contains(copy + "/mail/reset.txt:3:"), "\(command): \(outcome.errors)")
        }

        try FileManager.default.removeItem(atPath: copy + "/mail/reset.html")
        let missing = try gatehouse(["check-config"], templates: copy)
        #expect(missing.status == 78)
        #expect(missing.errors.contains(copy + "/mail/reset.html:0:"))
    }
}
