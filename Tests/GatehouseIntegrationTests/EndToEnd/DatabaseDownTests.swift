import Foundation
@testable import Gatehouse
import Testing

/// Database faults: a private cluster is stopped and started under a running stack.
@Suite("End to end: database down", .serialized)
struct DatabaseDownTests {
    /// A private cluster of this suite's own, so stopping it disturbs no other test.
    final class Cluster {
        let directory: String
        let port: Int

        init() throws {
            directory = try TestEnvironment.temporaryDirectory("gatehouse-pg-down")
            port = TestEnvironment.freePort()
            try start()
        }

        var conninfo: String { "host=\(directory) port=\(port) user=gatehouse dbname=gatehouse" }

        func start() throws { try Stack.script("pg.sh", "start", directory, String(port)) }
        func stop() throws { try Stack.script("pg.sh", "stop", directory) }

        deinit {
            try? stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Signs `username` in through nginx and returns the session cookie.
    static func signIn(_ stack: Stack, _ username: String, _ password: String) throws -> String? {
        let form = try stack.client.send("GET", "/auth")
        guard let cookie = form.cookie("session"), let csrf = hiddenValue("csrf_token", in: form.text) else { return nil }
        let answer = try stack.client.post("/auth", form: [("csrf_token", csrf), ("username", username), ("password", password)],
                                           headers: ["Cookie": "session=\(cookie)"])
        return answer.status == 303 ? answer.cookie("session") : nil
    }

    @Test("Database stopped: /healthz and database pages answer 503 fast; back: recovers without a restart")
    func stopAndRecover() throws {
        let cluster = try Cluster()
        let stack = try Stack(database: TestDatabase(conninfo: cluster.conninfo))
        try UserStore(database: DatabaseConnection(conninfo: cluster.conninfo))
            .add(username: "ann", firstName: "Ann", lastName: nil, scopes: [], password: PasswordHasher(iterations: 1000).hash("ann's password 1"))
        let cookie = try #require(try Self.signIn(stack, "ann", "ann's password 1"))
        #expect(try stack.client.send("GET", "/healthz").status == 200)

        try cluster.stop()
        let started = Date()
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        let home = try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
        #expect(home.status == 503)
        #expect(home.text.contains("briefly unavailable"))
        #expect(Date().timeIntervalSince(started) < 2.0)
        // Pages that need no database still answer.
        #expect(try stack.client.send("GET", "/auth").status == 200)

        try cluster.start()
        let back = Date()
        try Stack.waitFor(seconds: 5) { (try? stack.client.send("GET", "/healthz"))?.status == 200 }
        #expect(Date().timeIntervalSince(back) < 2.0)
        let again = try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
        #expect(again.status == 200)
        #expect(again.text.contains("Welcome, Ann!"))
        #expect(stack.stop() == 0)
    }

    @Test("Started while the database is down: answers 503, then recovers and migrates by itself")
    func startedWhileDown() throws {
        let cluster = try Cluster()
        try cluster.stop()
        let stack = try Stack(database: TestDatabase(conninfo: cluster.conninfo))
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        #expect(try stack.client.send("GET", "/auth").status == 200)

        try cluster.start()
        try Stack.waitFor(seconds: 8) { (try? stack.client.send("GET", "/healthz"))?.status == 200 }
        // The schema arrives by the maintenance thread's migration; then sign-in works.
        let connection = DatabaseConnection(conninfo: cluster.conninfo)
        try Stack.waitFor(seconds: 8) {
            (try? connection.query("SELECT max(version) FROM schema_migrations"))?.scalar() == String(Migrations.latestVersion)
        }
        try UserStore(database: connection)
            .add(username: "ann", firstName: nil, lastName: nil, scopes: [], password: PasswordHasher(iterations: 1000).hash("ann's password 1"))
        #expect(try Self.signIn(stack, "ann", "ann's password 1") != nil)
        #expect(stack.stop() == 0)
    }
}
