import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// `gatehouse user list`: pages of 50 by username, `--after`/`--before`, `--limit`, `--search`.
@Suite("Command line: user list pages", .serialized)
struct UserListTests {
    let cli: CommandLineTests

    /// `user001`…`user120`, every tenth a Lovelace.
    init() throws {
        let database = try TestDatabase()
        try Migrations.run(on: database.connect())
        _ = try database.connect().query("""
            INSERT INTO users (username, first_name, last_name, scope, info)
            SELECT 'user' || lpad(i::text, 3, '0'), 'First' || lpad(i::text, 3, '0'),
                   CASE WHEN i % 10 = 0 THEN 'Lovelace' ELSE 'Hopper' END, '["authenticated"]', '{}'
            FROM generate_series(1, 120) AS i
            """)
        cli = CommandLineTests(database: database)
    }

    /// The usernames of a listing's table (its first column, header skipped).
    static func usernames(_ outcome: ChildProcess.Outcome) -> [String] {
        outcome.output.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) }
    }

    static func names(_ range: ClosedRange<Int>) -> [String] {
        range.map { "user" + String(repeating: "0", count: 3 - String($0).count) + String($0) }
    }

    @Test("50 a page by default, with the command for the next page on stderr; the last page has none")
    func pages() throws {
        let first = try cli.gatehouse(["user", "list"])
        #expect(first.status == 0)
        #expect(first.output.hasPrefix("USERNAME"))
        #expect(Self.usernames(first) == Self.names(1...50))
        #expect(first.errors.contains("more users: gatehouse user list --after user050"))
        let second = try cli.gatehouse(["user", "list", "--after", "user050"])
        #expect(Self.usernames(second) == Self.names(51...100))
        let third = try cli.gatehouse(["user", "list", "--after=user100"])
        #expect(Self.usernames(third) == Self.names(101...120))
        #expect(!third.errors.contains("more users"))
        #expect(Self.usernames(try cli.gatehouse(["user", "list", "--before", "user101"])) == Self.names(51...100))
        let limited = try cli.gatehouse(["user", "list", "--limit", "7", "--after", "user010"])
        #expect(Self.usernames(limited) == Self.names(11...17))
        #expect(limited.errors.contains("gatehouse user list --limit 7 --after user017"))
        #expect(Self.usernames(try cli.gatehouse(["user", "list", "--limit", "1000"])) == Self.names(1...120))
    }

    @Test("--search and -q find by username, name or last-name prefix, any case; wildcards mean themselves", arguments: [
        (["--search", "user11"], names(110...119)),
        (["-q", "LOVE"], (1...12).flatMap { UserListTests.names(($0 * 10)...($0 * 10)) }),
        (["-q", "first 00"], []),
        (["-q", "First005 hop"], names(5...5)),
        (["-q", "%"], []),
        (["-q", "user_"], []),
    ])
    func search(arguments: [String], expected: [String]) throws {
        let found = try cli.gatehouse(["user", "list"] + arguments)
        #expect(found.status == 0)
        #expect(Self.usernames(found) == expected)
    }

    @Test("A search's next page keeps the search; --count counts matches")
    func searchPages() throws {
        let hoppers = try cli.gatehouse(["user", "list", "-q", "hopper"])
        #expect(hoppers.errors.contains("gatehouse user list --search hopper --after user055"))
        #expect(try cli.gatehouse(["user", "list", "--count", "-q", "hopper"]).output == "108\n")
        #expect(try cli.gatehouse(["user", "list", "--count"]).output == "120\n")
        let spaced = try cli.gatehouse(["user", "list", "--limit", "1", "-q", "o'x y"])
        #expect(spaced.status == 0)
    }

    @Test("Bad options are usage errors (exit 2) naming the problem", arguments: [
        (["--limit", "0"], "1 to 1000"),
        (["--limit", "x"], "--limit takes a number"),
        (["--limit", "1001"], "1 to 1000"),
        (["--after", String(repeating: "a", count: 21)], "at most 20 characters"),
        (["--after", "a", "--before", "b"], "not both"),
        (["--search", String(repeating: "q", count: 101)], "at most 100 characters"),
        (["--search", "a", "-q", "b"], "usage: user list"),
        (["bob"], "usage: user list"),
        (["--limit"], "--limit needs a value"),
    ])
    func refused(arguments: [String], message: String) throws {
        let outcome = try cli.gatehouse(["user", "list"] + arguments)
        #expect(outcome.status == 2)
        #expect(outcome.errors.contains(message))
    }
}
