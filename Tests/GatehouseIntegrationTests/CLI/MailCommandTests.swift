import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// `user email`, `user add --email` and `mail list` through the binary.
@Suite("Mail commands", .serialized)
struct MailCommandTests {
    let database: TestDatabase

    init() throws {
        database = try TestDatabase()
    }

    func gatehouse(_ arguments: [String], input: String = "") throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment["DATABASE_URL"] = database.conninfo
        environment["SECRET_KEY"] = "cli-test-secret-key-0123456789abcdef-01"
        environment["PBKDF2_ITERATIONS"] = "1000"
        return try ChildProcess.run(try TestEnvironment.binary(), arguments, environment: environment, inputBytes: Array(input.utf8))
    }

    @Test("user add --email and user email set a confirmed address, unique ignoring case; bad ones change nothing")
    func addresses() throws {
        #expect(try gatehouse(["migrate"]).status == 0)
        let added = try gatehouse(["user", "add", "dora", "--email", "Dora@Example.TEST"], input: "a long enough password\n")
        #expect(added.status == 0, "\(added.errors)")
        #expect(try gatehouse(["user", "add", "eve"], input: "another long password\n").status == 0)
        let connection = database.connect()
        let stored = try connection.query("SELECT email, email_confirmed_at IS NOT NULL FROM users WHERE username = 'dora'").rows.first
        #expect(stored?[0] == "Dora@example.test")
        #expect(stored?[1] == "t")

        let taken = try gatehouse(["user", "email", "eve", "dora@EXAMPLE.test"])
        #expect(taken.status == 1)
        #expect(taken.errors.contains("another user already has this email address"))
        for hostile in ["eve@example.test\r\nBcc: x@example.test", "eve example.test", "eve@", "<eve@example.test>"] {
            let refused = try gatehouse(["user", "email", "eve", hostile])
            #expect(refused.status == 1)
            #expect(refused.errors.contains("invalid email address"))
        }
        #expect(try connection.query("SELECT email FROM users WHERE username = 'eve'").scalar() == nil)
        let refusedAdd = try gatehouse(["user", "add", "fay", "--email", "not-an-address"], input: "yet another long password\n")
        #expect(refusedAdd.status == 1)
        #expect(try connection.query("SELECT count(*) FROM users WHERE username = 'fay'").scalar() == "0")

        let set = try gatehouse(["user", "email", "eve", "eve@example.test"])
        #expect(set.status == 0, "\(set.errors)")
        #expect(try gatehouse(["user", "email", "nobody", "n@example.test"]).status == 1)
        #expect(try gatehouse(["user", "email", "eve"]).status == 2)
    }

    @Test("mail list shows waiting and failed mail with the last error, not sent mail")
    func list() throws {
        #expect(try gatehouse(["migrate"]).status == 0)
        try database.connect().run(script: """
            INSERT INTO mail_outbox (recipient, subject, message, attempts, last_error) VALUES ('a@example.test', 'Waiting one', '\\x00', 2, 'SMTP 451: try later');
            INSERT INTO mail_outbox (recipient, subject, attempts, last_error, failed_at) VALUES ('b@example.test', 'Failed one', 90, 'SMTP 550: no', now());
            INSERT INTO mail_outbox (recipient, subject, sent_at) VALUES ('c@example.test', 'Sent one', now());
            """)
        let listed = try gatehouse(["mail", "list"])
        #expect(listed.status == 0, "\(listed.errors)")
        #expect(listed.output.contains("Waiting one"))
        #expect(listed.output.contains("SMTP 451: try later"))
        #expect(listed.output.contains("failed"))
        #expect(!listed.output.contains("Sent one"))
        #expect(try gatehouse(["mail", "list", "--all"]).output.contains("Sent one"))
        #expect(try gatehouse(["mail", "send"]).status == 2)
    }

    @Test("user list shows each address (an unconfirmed one marked) and --search finds users by its prefix")
    func listAddresses() throws {
        #expect(try gatehouse(["migrate"]).status == 0)
        #expect(try gatehouse(["user", "add", "kim", "--email", "kim.lee@example.test"], input: "a long enough password\n").status == 0)
        #expect(try gatehouse(["user", "add", "lou"], input: "another long password\n").status == 0)
        _ = try database.connect().query("UPDATE users SET email = 'lou@example.test' WHERE username = 'lou'")
        let listed = try gatehouse(["user", "list"])
        #expect(listed.output.hasPrefix("USERNAME  NAME  EMAIL"))
        #expect(listed.output.contains("kim.lee@example.test  "))
        #expect(listed.output.contains("lou@example.test (unconfirmed)"))
        let found = try gatehouse(["user", "list", "--search", "KIM.L"])
        #expect(found.output.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) } == ["kim"])
    }
}
