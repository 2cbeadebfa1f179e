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

        /// Sends `signal` to the postmaster and every process it started (SIGSTOP freezes the
        /// server: connections stay open but nothing answers).
        func signalAll(_ signal: Int32) throws {
            let pidFile = try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
            let postmaster = try #require(Int32(pidFile.prefix { $0 != "\n" }))
            for pid in [postmaster] + SupervisionTests.children(of: postmaster) { kill(pid, signal) }
        }

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

    /// A stack on `cluster` with user ann signed in through it; her session cookie.
    static func annSignedIn(on cluster: Cluster, settings: [String: String] = [:]) throws -> (Stack, String) {
        let stack = try Stack(database: TestDatabase(conninfo: cluster.conninfo), settings: settings)
        try UserStore(database: DatabaseConnection(conninfo: cluster.conninfo))
            .add(username: "ann", firstName: "Ann", lastName: nil, scopes: [], password: PasswordHasher(iterations: 1000).hash("ann's password 1"))
        return (stack, try #require(try signIn(stack, "ann", "ann's password 1")))
    }

    /// The database is back now: /healthz answers 200 within 2 s, and so does ann's home page.
    static func expectRecovery(_ stack: Stack, _ cookie: String) throws {
        let back = Date()
        try Stack.waitFor(seconds: 5) { (try? stack.client.send("GET", "/healthz"))?.status == 200 }
        #expect(Date().timeIntervalSince(back) < 2.0)
        let again = try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
        #expect(again.status == 200)
        #expect(again.text.contains("Welcome, Ann!"))
    }

    @Test("Database stopped: /healthz and database pages answer 503 fast; back: recovers without a restart")
    func stopAndRecover() throws {
        let cluster = try Cluster()
        let (stack, cookie) = try Self.annSignedIn(on: cluster)
        #expect(try stack.client.send("GET", "/healthz").status == 200)

        try cluster.stop()
        let started = Date()
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        let home = try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
        #expect(home.status == 503)
        #expect(home.text.contains("briefly unavailable"))
        // nginx's auth_request reads only the status: no page, no cookie.
        let check = try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(cookie)"])
        #expect(check.status == 503)
        #expect(check.body.isEmpty)
        #expect(check.headers("Set-Cookie").isEmpty)
        #expect(Date().timeIntervalSince(started) < 2.0)
        // Pages that need no database still answer.
        #expect(try stack.client.send("GET", "/auth").status == 200)

        try cluster.start()
        try Self.expectRecovery(stack, cookie)
        #expect(stack.stop() == 0)
    }

    @Test("Database frozen (SIGSTOP): 503 within DATABASE_TIMEOUT, fast 503s after it; after SIGCONT recovers by itself")
    func frozen() throws {
        let cluster = try Cluster()
        let (stack, cookie) = try Self.annSignedIn(on: cluster, settings: ["DATABASE_TIMEOUT": "1", "WORKER_PROCESSES": "1"])
        #expect(try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"]).status == 200)

        try cluster.signalAll(SIGSTOP)
        var frozen = true
        defer { if frozen { try? cluster.signalAll(SIGCONT) } }
        // Past the session cache's 100 ms: its listener has confirmed nothing since the
        // freeze, so the lookup goes to the database.
        usleep(150_000)
        // The first request waits out the 1 s deadline on its open connection...
        var started = Date()
        let home = try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
        #expect(home.status == 503)
        #expect(home.text.contains("briefly unavailable"))
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.9 && waited < 2.5, "answered after \(waited) s")
        // ...then the database is listed as unresponsive: no thread waits on it again.
        started = Date()
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        #expect(try stack.client.send("GET", "/", headers: ["Cookie": "session=\(cookie)"]).status == 503)
        #expect(try stack.client.send("GET", "/auth").status == 200)
        #expect(Date().timeIntervalSince(started) < 0.9)

        try cluster.signalAll(SIGCONT)
        frozen = false
        try Self.expectRecovery(stack, cookie)
        #expect(stack.responderLog.contains("event=database_unresponsive"))
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
