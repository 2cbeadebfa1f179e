import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// The `gatehouse` binary against a real database: users, sessions, exit codes.
@Suite("Command line", .serialized)
struct CommandLineTests {
    let database: TestDatabase

    init() throws {
        database = try TestDatabase()
    }

    /// Runs `gatehouse ARGS` with `input` on stdin and the test database configured.
    func gatehouse(_ arguments: [String], input: String = "", settings: [String: String] = [:]) throws -> ChildProcess.Outcome {
        try gatehouse(arguments, inputBytes: Array(input.utf8), settings: settings)
    }

    /// Runs `gatehouse ARGS` with any bytes on stdin.
    func gatehouse(_ arguments: [String], inputBytes: [UInt8], settings: [String: String] = [:]) throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment["DATABASE_URL"] = database.conninfo
        environment["SECRET_KEY"] = "cli-test-secret-key-0123456789abcdef-01"
        environment["PBKDF2_ITERATIONS"] = "1000"
        environment.merge(settings) { $1 }
        return try ChildProcess.run(try TestEnvironment.binary(), arguments, environment: environment, inputBytes: inputBytes)
    }

    @Test("migrate is idempotent")
    func migrate() throws {
        let first = try gatehouse(["migrate"])
        #expect(first.status == 0)
        #expect(first.output.contains("applied migrations"))
        let second = try gatehouse(["migrate"])
        #expect(second.status == 0)
        #expect(second.output.contains("up to date"))
    }

    @Test("user add reads the password from stdin, never argv; list shows the user")
    func addAndList() throws {
        _ = try gatehouse(["migrate"])
        let added = try gatehouse(["user", "add", "carol", "--first-name", "Carol", "--scope", "admin"], input: "a long enough password\n")
        #expect(added.status == 0, "\(added.errors)")
        let list = try gatehouse(["user", "list"])
        #expect(list.status == 0)
        #expect(list.output.contains("carol"))
        #expect(list.output.contains("authenticated admin"))
        #expect(try gatehouse(["user", "list", "--count"]).output == "1\n")

        let store = UserStore(database: database.connect())
        let credentials = try #require(try store.credentials(username: "carol"))
        let stored = try #require(credentials.password)
        #expect(PasswordHasher(iterations: 1000).verify("a long enough password", against: stored))
    }

    @Test("user add refuses a name that exists in another case")
    func addCaseInsensitive() throws {
        _ = try gatehouse(["migrate"])
        #expect(try gatehouse(["user", "add", "admin"], input: "a long enough password\n").status == 0)
        let again = try gatehouse(["user", "add", "Admin"], input: "a long enough password\n")
        #expect(again.status == 1)
        #expect(again.errors.contains("user admin already exists"))
        #expect(try gatehouse(["user", "list", "--count"]).output == "1\n")
    }

    @Test("Bad input: duplicate user, short password, bad name fail with 1 and change nothing")
    func refusals() throws {
        _ = try gatehouse(["migrate"])
        #expect(try gatehouse(["user", "add", "dave"], input: "dave's password 1\n").status == 0)
        let duplicate = try gatehouse(["user", "add", "dave"], input: "another kettle orbit 1\n")
        #expect(duplicate.status == 1)
        #expect(duplicate.errors.contains("already exists"))
        let short = try gatehouse(["user", "add", "erin"], input: "short\n")
        #expect(short.status == 1)
        #expect(short.errors.contains("12 to 128"))
        let badName = try gatehouse(["user", "add", "no spaces allowed"], input: "a long enough password\n")
        #expect(badName.status == 1)
        #expect(try gatehouse(["user", "list", "--count"]).output == "1\n")
    }

    @Test("user add and passwd refuse a guessable password with the reason, exit 1, changing nothing; PASSWORD_MIN_SCORE=0 allows it")
    func guessablePasswords() throws {
        _ = try gatehouse(["migrate"])
        #expect(try gatehouse(["user", "add", "kim", "--first-name", "Quixotic"], input: "kettle orbit mango 7\n").status == 0)
        let hash = "SELECT encode(p_hash, 'hex') FROM users WHERE username = 'kim'"
        let before = try database.connect().query(hash).scalar()
        for (password, reason) in [("password1234", "a common word with digits"), ("Quixotic2024!", "your username or name with a year")] {
            let changed = try gatehouse(["user", "passwd", "kim"], input: password + "\n")
            #expect(changed.status == 1)
            #expect(changed.errors.contains("too easy to guess: \(reason)"), "\(changed.errors)")
            #expect(changed.errors.contains("Nothing was changed"))
        }
        #expect(try database.connect().query(hash).scalar() == before)
        let stored = try #require(try UserStore(database: database.connect()).credentials(username: "kim")?.password)
        #expect(PasswordHasher(iterations: 1000).verify("kettle orbit mango 7", against: stored))

        let added = try gatehouse(["user", "add", "lou"], input: "lou2024lou2024\n")
        #expect(added.status == 1)
        #expect(added.errors.contains("too easy to guess: your username or name"), "\(added.errors)")
        #expect(try gatehouse(["user", "list", "--count"]).output == "1\n")

        let lenient = ["PASSWORD_MIN_SCORE": "0"]
        #expect(try gatehouse(["user", "passwd", "kim"], input: "password1234\n", settings: lenient).status == 0)
        #expect(try gatehouse(["user", "add", "lou"], input: "lou2024lou2024\n", settings: lenient).status == 0)
        let strict = try gatehouse(["user", "passwd", "kim"], input: "kettle orbit mango 7\n", settings: ["PASSWORD_MIN_SCORE": "5"])
        #expect(strict.status == 78)
        #expect(strict.errors.contains("PASSWORD_MIN_SCORE"))
    }

    @Test("A password with NUL or invalid UTF-8 is refused by user add and passwd with exit 1, changing nothing")
    func unusablePasswords() throws {
        _ = try gatehouse(["migrate"])
        #expect(try gatehouse(["user", "add", "gina"], input: "gina's password 1\n").status == 0)
        let hash = "SELECT encode(p_hash, 'hex') FROM users WHERE username = 'gina'"
        let before = try database.connect().query(hash).scalar()
        let inputs: [(bytes: [UInt8], reason: String)] = [
            (Array("a\u{0}bcdefghijklmnop\n".utf8), "NUL"),
            (Array("abcdefgh".utf8) + [0xFF, 0xFE] + Array("ijklmnop\n".utf8), "UTF-8"),
            (Array("abcdefghijklmnop".utf8) + [0xC3] + Array("\n".utf8), "UTF-8"),
        ]
        for input in inputs {
            let added = try gatehouse(["user", "add", "hank"], inputBytes: input.bytes)
            #expect(added.status == 1, "\(input.bytes)")
            #expect(added.errors.contains(input.reason), "\(added.errors)")
            let changed = try gatehouse(["user", "passwd", "gina"], inputBytes: input.bytes)
            #expect(changed.status == 1, "\(input.bytes)")
            #expect(changed.errors.contains(input.reason), "\(changed.errors)")
        }
        #expect(try gatehouse(["user", "list", "--count"]).output == "1\n")
        #expect(try database.connect().query(hash).scalar() == before)

        // Valid UTF-8 beyond ASCII is a password like any other.
        #expect(try gatehouse(["user", "add", "ivy"], input: "pässwörd ünïcode\r\n").status == 0)
        let stored = try #require(try UserStore(database: database.connect()).credentials(username: "ivy")?.password)
        #expect(PasswordHasher(iterations: 1000).verify("pässwörd ünïcode", against: stored))
    }

    @Test("user add refuses a first or last name over 50 characters with a clear message, exit 1, nothing added")
    func nameTooLong() throws {
        _ = try gatehouse(["migrate"])
        for option in ["--first-name", "--last-name"] {
            for name in [String(repeating: "n", count: 51), String(repeating: "e\u{301}", count: 26)] {
                let added = try gatehouse(["user", "add", "jill", option, name], input: "jill's password 1\n")
                #expect(added.status == 1)
                #expect(added.errors.contains("\(option) is longer than 50 characters"), "\(added.errors)")
                #expect(!added.errors.contains("22001"))
            }
        }
        #expect(try gatehouse(["user", "list", "--count"]).output == "0\n")
        let fifty = String(repeating: "n", count: 50)
        #expect(try gatehouse(["user", "add", "jill", "--first-name", fifty, "--last-name", fifty], input: "jill's password 1\n").status == 0)
    }

    @Test("Usage errors exit 2, configuration errors exit 78 naming the key")
    func exitCodes() throws {
        #expect(try gatehouse([]).status == 2)
        #expect(try gatehouse(["frobnicate"]).status == 2)
        #expect(try gatehouse(["user", "add"]).status == 2)
        let config = try gatehouse(["check-config"], settings: ["SECRET_KEY": "too short"])
        #expect(config.status == 78)
        #expect(config.errors.contains("SECRET_KEY"))
        let listen = try gatehouse(["check-config"], settings: ["LISTEN": "nonsense:"])
        #expect(listen.status == 78)
        #expect(listen.errors.contains("LISTEN"))
        let good = try gatehouse(["check-config"])
        #expect(good.status == 0)
        #expect(!good.output.contains("cli-test-secret-key"))
    }

    @Test("--version prints the package's version wherever it stands, exit 0, even with the configuration broken")
    func version() throws {
        let expected = "gatehouse \(GatehouseVersion.current)\n"
        #expect(GatehouseVersion.current.split(separator: ".").count == 3)
        for arguments in [["--version"], ["serve", "--version"], ["--env-file", "/nonexistent", "--version"]] {
            // A missing SECRET_KEY would stop any command with 78; --version needs none.
            let outcome = try gatehouse(arguments, settings: ["SECRET_KEY": ""])
            #expect(outcome.status == 0, "\(arguments): \(outcome.errors)")
            #expect(outcome.output == expected, "\(arguments)")
        }
    }

    @Test("--env-file is read wherever it stands, before or after the command, for every command")
    func envFileAnywhere() throws {
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-env-file")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let broken = directory + "/broken.env"
        let good = directory + "/good.env"
        try "WORKERS=many\n".write(toFile: broken, atomically: true, encoding: .utf8)
        try "SESSION_COOKIE_NAME=from_the_file\n".write(toFile: good, atomically: true, encoding: .utf8)
        // No command may reach its work with a configuration it was told not to use: each
        // stops at the broken file's key, wherever the option stands.
        let commands = [
            ["check-config"], ["migrate"], ["serve"], ["cgi"], ["user", "list"], ["user", "add", "carol", "--scope", "admin"],
            ["user", "passwd", "carol"], ["user", "scope", "carol", "+admin"], ["user", "remove", "carol"],
            ["session", "list"], ["session", "revoke", "--all"], ["session", "purge"],
        ]
        for command in commands {
            let placements = [["--env-file", broken] + command, command + ["--env-file", broken],
                              [command[0], "--env-file=" + broken] + command.dropFirst()]
            for arguments in placements {
                let outcome = try gatehouse(arguments, input: "carol's password 1\n")
                #expect(outcome.status == 78, "\(arguments): \(outcome.output)")
                #expect(outcome.errors.contains("WORKERS"), "\(arguments): \(outcome.errors)")
                #expect(!outcome.output.contains("configuration ok"), "\(arguments)")
            }
        }
        for arguments in [["check-config", "--env-file", good], ["--env-file", good, "check-config"], ["check-config", "--env-file=" + good]] {
            let checked = try gatehouse(arguments)
            #expect(checked.status == 0, "\(arguments): \(checked.errors)")
            #expect(checked.output.contains("SESSION_COOKIE_NAME=from_the_file"), "\(arguments)")
        }
        // The file's settings are the ones a command works with, not just the ones it checks.
        _ = try gatehouse(["migrate", "--env-file", good])
        #expect(try gatehouse(["user", "add", "carol", "--env-file", good], input: "carol's password 1\n").status == 0)
        #expect(try gatehouse(["user", "list", "--env-file", good]).output.contains("carol"))
        // Twice, or without its path, is a usage error; so is an argument check-config would ignore.
        #expect(try gatehouse(["--env-file", good, "check-config", "--env-file", broken]).status == 2)
        #expect(try gatehouse(["check-config", "--env-file"]).status == 2)
        #expect(try gatehouse(["check-config", good]).status == 2)
    }

    @Test("check-config parses the templates as serve does: both report a missing directory or a syntax error (file and line), exit 78")
    func checkConfigTemplates() throws {
        let broken = try TestEnvironment.temporaryDirectory("gatehouse-broken-templates")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        for name in try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.repoRoot + "/templates") {
            try FileManager.default.copyItem(atPath: TestEnvironment.repoRoot + "/templates/" + name, toPath: broken + "/" + name)
        }
        try FileManager.default.removeItem(atPath: broken + "/home.html")
        try "<p>one</p>\n<p>two</p>\n{{/stray}}\n".write(toFile: broken + "/home.html", atomically: true, encoding: .utf8)

        for (directory, location) in [("/nonexistent", "/nonexistent:0:"), (broken, broken + "/home.html:3:")] {
            let checked = try gatehouse(["check-config"], settings: ["TEMPLATES_DIR": directory])
            #expect(checked.status == 78, "\(directory)")
            #expect(checked.errors.contains(location), "\(checked.errors)")
            #expect(!checked.output.contains("configuration ok"))
            // serve stops on the same line, with the same status. (An unwritable LISTEN makes
            // sure it cannot start serving if it got past the templates.)
            let served = try gatehouse(["serve"], settings: ["TEMPLATES_DIR": directory, "LISTEN": "unix:/nonexistent/gatehouse.sock"])
            #expect(served.status == 78, "\(directory)")
            let reported = { (errors: String) in errors.split(separator: "\n").filter { $0.contains(location) } }
            #expect(!reported(served.errors).isEmpty)
            #expect(reported(served.errors) == reported(checked.errors))
        }
    }

    @Test("scope, passwd, session list/revoke, remove")
    func lifecycle() throws {
        let harness = try AppHarness()
        // Drive the CLI against the harness's database so sessions made by "browsers" show up.
        let cli = CommandLineTests(database: harness.database)
        #expect(try cli.gatehouse(["user", "add", "frank"], input: "frank's kettle orbit\n").status == 0)
        var browser = harness.browser()
        #expect(browser.login("frank", "frank's kettle orbit").status == .seeOther)
        #expect(browser.get("/").status == .ok)

        let scoped = try cli.gatehouse(["user", "scope", "frank", "+admin", "-authenticated"])
        #expect(scoped.status == 0)
        #expect(scoped.output.contains("frank: admin"))
        #expect(browser.get("/admin").status == .ok)

        let sessions = try cli.gatehouse(["session", "list", "frank"])
        #expect(sessions.output.contains("frank"))
        #expect(sessions.output.contains("203.0.113.5"))
        let revoked = try cli.gatehouse(["session", "revoke", "frank"])
        #expect(revoked.output.contains("revoked 1 session"))
        #expect(browser.get("/").status == .seeOther)

        #expect(browser.login("frank", "frank's kettle orbit").status == .seeOther)
        let passwd = try cli.gatehouse(["user", "passwd", "frank"], input: "frank's new lantern fjord\n")
        #expect(passwd.status == 0)
        #expect(browser.get("/").status == .seeOther)
        #expect(browser.login("frank", "frank's kettle orbit").status == .unauthorized)
        #expect(browser.login("frank", "frank's new lantern fjord").status == .seeOther)

        #expect(try cli.gatehouse(["user", "remove", "frank"]).status == 0)
        #expect(browser.get("/").status == .seeOther)
        #expect(try cli.gatehouse(["user", "remove", "frank"]).status == 1)
        #expect(try cli.gatehouse(["session", "purge"]).status == 0)
    }
}

extension CommandLineTests {
    init(database: TestDatabase) {
        self.database = database
    }
}
