import Foundation
import Testing
import TestSupport

/// What another account on the same machine can reach: whoever connects to the responder's
/// socket speaks FastCGI and may claim any REMOTE_ADDR (past METRICS_ALLOW and the
/// per-address lockout) or HTTPS, and whoever reads `.env` holds SECRET_KEY.
@Suite("End to end: other local users", .serialized)
struct LocalUsersTests {
    /// Tries to connect to the unix socket at `path` as `nobody` (with `group` as its group,
    /// when given); the outcome's status is 0 when the connection was accepted.
    static func connect(_ path: String, group: String? = nil) throws -> ChildProcess.Outcome {
        let script = "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])"
        return try ChildProcess.run("/usr/sbin/runuser", ["-u", "nobody"] + (group.map { ["-g", $0] } ?? []) + ["--", "python3", "-c", script, path])
    }

    /// The permission bits of `path` (no symlinks followed) and whether it is a socket.
    static func mode(_ path: String) -> (bits: mode_t, isSocket: Bool)? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return (status.st_mode & 0o7777, status.st_mode & S_IFMT == S_IFSOCK)
    }

    @Test("gatehouse serve's unix socket is 0660: another user cannot connect, a member of its group can")
    func socketMode() throws {
        let stack = try Stack()
        let socket = stack.directory + "/gatehouse.sock"
        // The directory is open to all, as /run/gatehouse is to its group: the socket's own
        // mode is what must keep others out.
        chmod(stack.directory, 0o755)
        let mode = try #require(LocalUsersTests.mode(socket))
        #expect(mode.isSocket)
        #expect(mode.bits == 0o660)
        let stranger = try LocalUsersTests.connect(socket)
        #expect(stranger.status != 0)
        #expect(stranger.errors.contains("PermissionError"), "\(stranger.errors)")
        let member = try LocalUsersTests.connect(socket, group: "root")
        #expect(member.status == 0, "\(member.errors)")
        #expect(try stack.client.send("GET", "/auth").status == 200)
        #expect(stack.stop() == 0)
    }

    @Test("make run (scripts/run.sh): .env is 0600, an older world-readable one too; the socket is 0660 and nginx still reaches it")
    func makeRun() throws {
        let root = try TestEnvironment.temporaryDirectory("gatehouse-make-run")
        chmod(root, 0o755)  // PostgreSQL's user must reach .run/pg
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A checkout of its own (the scripts find everything relative to themselves), with
        // the test build in place of the release build `make run` would make first.
        for part in ["scripts", "deploy", "static", "templates"] {
            try FileManager.default.copyItem(atPath: TestEnvironment.repoRoot + "/" + part, toPath: root + "/" + part)
        }
        try FileManager.default.createDirectory(atPath: root + "/.build/release", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/.build/release/gatehouse", withDestinationPath: try TestEnvironment.binary())

        let port = TestEnvironment.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["PORT": String(port), "PG_PORT": String(TestEnvironment.freePort()),
                           "PBKDF2_ITERATIONS": "1000", "WORKER_PROCESSES": "1", "WORKERS": "2"]) { $1 }
        let client = HTTPClient(port: port)

        // First run: writes .env.
        try MakeRun(root: root, environment: environment).whileRunning { (log: String) throws in
            #expect(log.contains("wrote .env"))
            #expect(log.contains("created user admin"))
            #expect(LocalUsersTests.mode(root + "/.env")?.bits == 0o600)
            let socket = root + "/.run/gatehouse.sock"
            #expect(LocalUsersTests.mode(socket)?.bits == 0o660)
            #expect(try LocalUsersTests.connect(socket).status != 0)
            #expect(try client.send("GET", "/auth").status == 200)
        }
        // A .env an earlier make run left readable by all is closed on the next start.
        chmod(root + "/.env", 0o644)
        try MakeRun(root: root, environment: environment).whileRunning { (log: String) throws in
            #expect(!log.contains("wrote .env"))
            #expect(LocalUsersTests.mode(root + "/.env")?.bits == 0o600)
            #expect(try client.send("GET", "/auth").status == 200)
        }
    }
}

/// `scripts/run.sh` started in the background from a copy of the checkout.
private struct MakeRun {
    let root: String
    let environment: [String: String]

    /// Starts run.sh, waits for its URL, runs `body` with its output so far, then stops it
    /// with SIGTERM and checks that it exited 0 leaving no PostgreSQL or nginx behind.
    func whileRunning(_ body: (String) throws -> Void) throws {
        let log = root + "/run.log"
        let process = try ChildProcess.start(root + "/scripts/run.sh", [], environment: environment, outputPath: log, errorPath: log,
                                             directory: root)
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        var stopped = false
        func stop() -> Int32 {
            stopped = true
            process.send(SIGTERM)
            return process.wait()
        }
        defer {
            if !stopped { _ = stop() }
            // Whatever the outcome, nothing of this run may outlive the test.
            _ = try? ChildProcess.run(root + "/scripts/nginx.sh", ["stop", root + "/.run/nginx"])
            _ = try? ChildProcess.run(root + "/scripts/pg.sh", ["stop", root + "/.run/pg"])
        }
        try Stack.waitFor(seconds: 120) { output().contains("http://127.0.0.1:") || process.hasExited() != nil }
        try #require(output().contains("http://127.0.0.1:"), "\(output())")
        try body(output())
        #expect(stop() == 0, "\(output())")
        #expect(!FileManager.default.fileExists(atPath: root + "/.run/pg/data/postmaster.pid"))
        #expect(!FileManager.default.fileExists(atPath: root + "/.run/nginx/nginx.pid"))
    }
}
