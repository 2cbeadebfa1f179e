import Foundation
@testable import Gatehouse
import Testing
import TestSupport

@Suite("Migrations", .serialized)
struct MigrationTests {
    @Test("Migrating twice applies nothing the second time")
    func idempotent() throws {
        let database = try TestDatabase()
        let connection = database.connect()
        #expect(try Migrations.run(on: connection) == Migrations.all.map(\.version))
        #expect(try Migrations.run(on: connection).isEmpty)
        let recorded = try connection.query("SELECT count(*) FROM schema_migrations").scalar()
        #expect(recorded == String(Migrations.all.count))
    }

    @Test("Several instances migrating at once all succeed, each migration applied once")
    func concurrent() async throws {
        let database = try TestDatabase()
        let conninfo = database.conninfo
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { try Migrations.run(on: DatabaseConnection(conninfo: conninfo)) }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == Migrations.all.map(\.version))
    }

    @Test("Adopting the original design's database keeps users and their passwords log in")
    func adoption() throws {
        let password = "original-design-password"
        let made = try #require(try PythonHashlib.originalDesignHashes([password], iterations: 100_000).first)
        let harness = try AppHarness(settings: ["PBKDF2_ITERATIONS": "2000"]) { connection in
            try connection.run(script: """
                CREATE TABLE users (id serial primary key, username varchar(20) not null unique,
                    first_name varchar(50), last_name varchar(50), p_hash bytea, p_salt bytea,
                    scope jsonb not null, info jsonb not null);
                CREATE TABLE session (id serial primary key, token varchar(128) not null unique,
                    "user" int not null default 0, created_at timestamptz not null default now(),
                    expires_at timestamptz not null default now());
                INSERT INTO session (token) VALUES ('orphan-from-the-original');
                """)
            _ = try connection.query(
                "INSERT INTO users (username, first_name, p_hash, p_salt, scope, info) VALUES ('olduser', 'Olga', decode($1, 'hex'), decode($2, 'hex'), '[\"authenticated\", \"admin\"]', '{}')",
                [made.hash, made.salt])
        }
        #expect(try harness.scalar("SELECT count(*) FROM users") == "1")
        #expect(try harness.scalar("SELECT count(*) FROM session") == "0")
        #expect(try harness.scalar("SELECT p_iterations FROM users") == nil)

        var browser = harness.browser()
        #expect(browser.login("olduser", password).status == .seeOther)
        #expect(browser.get("/").text.contains("Welcome, Olga!"))
        #expect(browser.get("/admin").status == .ok)
        #expect(try harness.scalar("SELECT p_iterations FROM users") == "2000")
        #expect(try harness.scalar("SELECT encode(p_hash, 'hex') FROM users") != made.hash)

        var again = harness.browser()
        #expect(again.login("olduser", password).status == .seeOther)
        var wrong = harness.browser()
        #expect(wrong.login("olduser", "not-the-password").status == .unauthorized)
    }
}
