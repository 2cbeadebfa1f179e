import Foundation
@testable import Gatehouse
import TestSupport

/// `gatehouse` as a plain CGI program: nginx → Debian's fcgiwrap → one `gatehouse`
/// process per request, configured by an env file named in a FastCGI param.
final class CGIStack {
    let directory: String
    let port: Int
    let client: HTTPClient
    let database: TestDatabase
    private let fcgiwrap: ChildProcess
    private var stopped = false

    /// The env file every CGI run reads (through `GATEHOUSE_ENV_FILE`).
    static func envFile(database: TestDatabase, templates: String = TestEnvironment.repoRoot + "/templates") -> String {
        [
            "DATABASE_URL=\(DotEnv.quote(database.conninfo))",
            "SECRET_KEY=test-secret-key-0123456789abcdef-0123456789",
            // fcgiwrap starts the program in its own directory: paths must be absolute.
            "TEMPLATES_DIR=\(templates)",
            "PBKDF2_ITERATIONS=1000",
        ].joined(separator: "\n") + "\n"
    }

    /// Migrates a new database (CGI runs never migrate), then starts fcgiwrap and nginx.
    init() throws {
        database = try TestDatabase()
        try Migrations.run(on: database.connect())
        directory = try TestEnvironment.temporaryDirectory("gatehouse-cgi")
        try CGIStack.envFile(database: database).write(toFile: directory + "/gatehouse.env", atomically: true, encoding: .utf8)
        let params = [
            "fastcgi_param SCRIPT_FILENAME \(try TestEnvironment.binary());",
            "fastcgi_param GATEHOUSE_ENV_FILE \(directory)/gatehouse.env;",
        ]
        try params.joined(separator: "\n").write(toFile: directory + "/cgi_params", atomically: true, encoding: .utf8)
        let socket = directory + "/fcgiwrap.sock"
        let log = directory + "/fcgiwrap.log"
        // A clean environment, as a service manager would give: the CGI runs inherit it.
        let process = try Signals.unblocked {
            try ChildProcess.start("/usr/sbin/fcgiwrap", ["-s", "unix:" + socket], environment: ["PATH": "/usr/bin:/bin"],
                                   outputPath: log, errorPath: log)
        }
        fcgiwrap = process
        try Stack.waitFor { FileManager.default.fileExists(atPath: socket) || process.hasExited() != nil }
        port = TestEnvironment.freePort()
        client = HTTPClient(port: port)
        try Stack.script("nginx.sh", "start", directory + "/nginx", String(port), "unix:" + socket, directory + "/cgi_params")
    }

    /// What fcgiwrap and the CGI runs wrote to stderr.
    var log: String { (try? String(contentsOfFile: directory + "/fcgiwrap.log", encoding: .utf8)) ?? "" }

    /// Stops nginx and fcgiwrap.
    func stop() {
        guard !stopped else { return }
        stopped = true
        try? Stack.script("nginx.sh", "stop", directory + "/nginx")
        fcgiwrap.send(SIGTERM)
        if (try? Stack.waitFor(seconds: 5) { fcgiwrap.hasExited() != nil }) == nil {
            fcgiwrap.send(SIGKILL)
            fcgiwrap.wait()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
