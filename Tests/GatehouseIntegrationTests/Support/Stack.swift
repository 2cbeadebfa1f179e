import Foundation
import TestSupport

/// A running responder (`gatehouse serve`) behind a real nginx, on loopback ports of its own.
final class Stack {
    let directory: String
    let port: Int
    let client: HTTPClient
    let database: TestDatabase
    private let responder: ChildProcess
    private var exitStatus: Int32?

    /// The settings every test stack uses; `overrides` replace or add keys.
    static func settings(database: TestDatabase, socket: String, overrides: [String: String]) -> [String: String] {
        var values = [
            "DATABASE_URL": database.conninfo,
            "SECRET_KEY": "test-secret-key-0123456789abcdef-0123456789",
            "LISTEN": "unix:\(socket)",
            "TEMPLATES_DIR": TestEnvironment.repoRoot + "/templates",
            "WORKERS": "4",
            "PBKDF2_ITERATIONS": "1000",
        ]
        values.merge(overrides) { $1 }
        return values
    }

    /// This process's environment with the test settings (`settings(...)`) and no env file:
    /// what a responder started outside `Stack` runs with.
    static func environment(database: TestDatabase, socket: String, overrides: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment.merge(settings(database: database, socket: socket, overrides: overrides)) { $1 }
        return environment
    }

    /// Starts the responder (the built `gatehouse`, or `binary`) and nginx; waits until the
    /// responder's socket exists. `nginxLocations`, nginx configuration text, goes into
    /// deploy/nginx.conf's server block; `nginxServers`, given the port nginx listens on and
    /// the responder's socket, returns more of it for the http block (other hosts' servers).
    init(database: TestDatabase? = nil, settings overrides: [String: String] = [:], binary: String? = nil,
         nginxLocations: String? = nil, port chosen: Int? = nil, nginxServers: ((_ port: Int, _ socket: String) -> String)? = nil) throws {
        self.database = try database ?? TestDatabase()
        directory = try TestEnvironment.temporaryDirectory("gatehouse-stack")
        let socket = directory + "/gatehouse.sock"
        let environment = Stack.environment(database: self.database, socket: socket, overrides: overrides)
        let log = directory + "/gatehouse.log"
        let process = try ChildProcess.start(try binary ?? TestEnvironment.binary(), ["serve"], environment: environment,
                                             outputPath: log, errorPath: log, directory: TestEnvironment.repoRoot)
        responder = process
        var ended: Int32?
        try Stack.waitFor {
            ended = process.hasExited()
            return FileManager.default.fileExists(atPath: socket) || ended != nil
        }
        if let ended {
            exitStatus = ended
            throw ClientError("gatehouse serve exited with \(ended): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        port = chosen ?? TestEnvironment.freePort()
        client = HTTPClient(port: port)
        var nginxEnvironment = ProcessInfo.processInfo.environment
        if let nginxLocations {
            try nginxLocations.write(toFile: directory + "/locations.conf", atomically: true, encoding: .utf8)
            nginxEnvironment["NGINX_LOCATIONS"] = directory + "/locations.conf"
        }
        if let nginxServers {
            try nginxServers(port, "unix:" + socket).write(toFile: directory + "/servers.conf", atomically: true, encoding: .utf8)
            nginxEnvironment["NGINX_SERVERS"] = directory + "/servers.conf"
        }
        try Stack.script("nginx.sh", "start", directory + "/nginx", String(port), "unix:" + socket, environment: nginxEnvironment)
    }

    /// Stops nginx only.
    func stopNginx() {
        try? Stack.script("nginx.sh", "stop", directory + "/nginx")
    }

    /// Stops nginx and sends SIGTERM to the responder.
    /// - Returns: the responder's exit status.
    @discardableResult
    func stop() -> Int32 {
        if let exitStatus { return exitStatus }
        stopNginx()
        responder.send(SIGTERM)
        let status = responder.wait()
        exitStatus = status
        return status
    }

    /// The process id of the responder.
    var responderPID: Int32 { responder.pid }

    /// The responder's stderr so far.
    var responderLog: String { (try? String(contentsOfFile: directory + "/gatehouse.log", encoding: .utf8)) ?? "" }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one of scripts/ and throws with its output when it fails.
    static func script(_ name: String, _ arguments: String..., environment: [String: String]? = nil) throws {
        let outcome = try ChildProcess.run(TestEnvironment.repoRoot + "/scripts/" + name, arguments, environment: environment)
        guard outcome.status == 0 else {
            throw ClientError("scripts/\(name) \(arguments.joined(separator: " ")) failed: \(outcome.output)\(outcome.errors)")
        }
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    static func waitFor(seconds: Double = 10, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw ClientError("timed out after \(seconds) s") }
            usleep(20_000)
        }
    }
}
