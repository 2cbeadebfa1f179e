import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// `user passwd`, `user email` and `user mfa --reset` tell the user by mail, queued in the
/// command's transaction, only to a confirmed address.
@Suite("Command line notices", .serialized)
struct NoticeCommandTests {
    let database: TestDatabase

    init() throws {
        database = try TestDatabase()
    }

    func gatehouse(_ arguments: [String], input: String = "", settings: [String: String] = [:]) throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment["DATABASE_URL"] = database.conninfo
        environment["SECRET_KEY"] = "cli-test-secret-key-0123456789abcdef-01"
        environment["PBKDF2_ITERATIONS"] = "1000"
        environment["TEMPLATES_DIR"] = TestEnvironment.repoRoot + "/templates"
        environment.merge(settings) { $1 }
        return try ChildProcess.run(try TestEnvironment.binary(), arguments, environment: environment, inputBytes: Array(input.utf8))
    }

    @Test("passwd, email and mfa --reset each queue one notice to the confirmed address; none to a user without one")
    func notices() throws {
        #expect(try gatehouse(["migrate"]).status == 0)
        #expect(try gatehouse(["user", "add", "gus", "--email", "gus@example.test"], input: "a long enough password\n").status == 0)
        #expect(try gatehouse(["user", "add", "hal"], input: "another long password\n").status == 0)
        let connection = database.connect()
        let gus = try #require(try UserStore(database: connection).find(username: "gus"))
        _ = try RecoveryCodes(database: connection).regenerate(userID: gus.id)

        let passwd = try gatehouse(["user", "passwd", "gus"], input: "a brand new passphrase\n")
        #expect(passwd.status == 0, "\(passwd.errors)")
        #expect(try gatehouse(["user", "passwd", "hal"], input: "a brand new passphrase\n").status == 0)
        #expect(try gatehouse(["user", "mfa", "gus", "--reset"]).status == 0)
        #expect(try gatehouse(["user", "email", "gus", "gus@new.example"]).status == 0)

        let told = try QueuedMail.outbox(connection, to: "gus@example.test")
        #expect(told.count == 3)
        #expect(told[0].contains("Subject: Your password was changed\r\n"))
        #expect(!told[0].contains("a brand new passphrase"))
        #expect(told[1].contains("Every second factor and recovery code was removed by an administrator (on the server)."))
        #expect(told[2].contains("Subject: The email address of your account was changed\r\n"))
        #expect(try connection.query("SELECT count(*) FROM mail_outbox").scalar() == "3", "hal has no address: nothing")
    }

    @Test("When the notice cannot be written (no mail templates), the change is not made either")
    func noticeOrNothing() throws {
        #expect(try gatehouse(["migrate"]).status == 0)
        #expect(try gatehouse(["user", "add", "ivy", "--email", "ivy@example.test"], input: "a long enough password\n").status == 0)
        let connection = database.connect()
        let before = try connection.query("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'ivy'").scalar()
        let failed = try gatehouse(["user", "passwd", "ivy"], input: "a brand new passphrase\n", settings: ["TEMPLATES_DIR": "/nonexistent"])
        #expect(failed.status != 0)
        #expect(try connection.query("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'ivy'").scalar() == before)
        #expect(try connection.query("SELECT count(*) FROM mail_outbox").scalar() == "0")
    }
}
