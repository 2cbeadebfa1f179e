import Foundation
import TestSupport

/// A private Apache 2.4 (Debian `apache2`) on a loopback port of its own: deploy/apache.conf
/// filled in for this checkout, or the CGI variant its comments describe.
final class ApacheServer {
    let directory: String
    let port: Int
    let client: HTTPClient
    private var stopped = false

    /// Modules the sites need (mod_unixd is built into Debian's binary).
    static let modules = ["mpm_event", "authz_core", "mime", "alias", "env", "setenvif", "proxy", "proxy_fcgi", "cgid"]

    /// deploy/apache.conf in front of the responder at `socketPath`. Apache's children run
    /// as www-data, so the socket's directory is opened to them and the socket (mode 0660)
    /// given their group, as a service's `Group=` would; `__ROOT__` is a copy of static/ in
    /// this server's own directory: www-data must reach it wherever the checkout lies (a
    /// clone under /root is closed to other users).
    convenience init(socketPath: String) throws {
        chmod((socketPath as NSString).deletingLastPathComponent, 0o755)
        guard let group = getgrnam("www-data") else { throw ClientError("no www-data group") }
        chown(socketPath, 0, group.pointee.gr_gid)
        let template = try String(contentsOfFile: TestEnvironment.repoRoot + "/deploy/apache.conf", encoding: .utf8)
        try self.init { port, directory in
            try ApacheServer.install(TestEnvironment.repoRoot + "/static", at: directory + "/root/static")
            return template.replacingOccurrences(of: "__LISTEN__", with: "127.0.0.1:\(port)")
                .replacingOccurrences(of: "__ROOT__", with: directory + "/root")
                .replacingOccurrences(of: "__SOCKET_PATH__", with: socketPath)
        }
    }

    /// `program` as a plain CGI program under mod_cgid (stdin is a connected socket there),
    /// per the CGI comment in deploy/apache.conf; it runs as www-data. The program, the
    /// templates and the env file (`envFile` given the templates' directory) are installed
    /// in this server's own directory first, as they would be on a server: www-data must
    /// reach them wherever the checkout lies.
    convenience init(cgiProgram program: String, envFile: (_ templates: String) -> String) throws {
        try self.init { port, directory in
            let installed = directory + "/cgi-bin/gatehouse"
            try ApacheServer.install(program, at: installed)
            try ApacheServer.install(TestEnvironment.repoRoot + "/templates", at: directory + "/templates")
            try envFile(directory + "/templates").write(toFile: directory + "/gatehouse.env", atomically: true, encoding: .utf8)
            chmod(directory + "/gatehouse.env", 0o644)
            return """
                <VirtualHost 127.0.0.1:\(port)>
                    ScriptAliasMatch "^/(?!static/)" "\(installed)"
                    SetEnv GATEHOUSE_ENV_FILE \(directory)/gatehouse.env
                    <Directory "\(directory)/cgi-bin">
                        Require all granted
                    </Directory>
                </VirtualHost>
                """
        }
    }

    /// Copies a file or directory tree to `destination` (parents created), readable by all:
    /// copies keep the source's modes, and the checkout's may be private.
    private static func install(_ source: String, at destination: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                    attributes: [.posixPermissions: 0o755])
        try manager.copyItem(atPath: source, toPath: destination)
        let inside = (try? manager.subpathsOfDirectory(atPath: destination)) ?? []
        for path in [destination] + inside.map({ destination + "/" + $0 }) {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            // Directories and programs get x for everyone; other files only r.
            chmod(path, status.st_mode & S_IFMT == S_IFDIR || status.st_mode & S_IXUSR != 0 ? 0o755 : 0o644)
        }
    }

    private init(site: (_ port: Int, _ directory: String) throws -> String) throws {
        directory = try TestEnvironment.temporaryDirectory("gatehouse-apache")
        chmod(directory, 0o755)
        port = TestEnvironment.freePort()
        client = HTTPClient(port: port)
        try site(port, directory).write(toFile: directory + "/site.conf", atomically: true, encoding: .utf8)
        let loads = ApacheServer.modules.map { "LoadModule \($0)_module /usr/lib/apache2/modules/mod_\($0).so" }
        let main = loads + [
            "ServerName 127.0.0.1", "Listen 127.0.0.1:\(port)", "User www-data", "Group www-data",
            "PidFile \(directory)/apache.pid", "DefaultRuntimeDir \(directory)", "ScriptSock \(directory)/cgid.sock",
            "ErrorLog \(directory)/error.log", "LogLevel warn", "TypesConfig /etc/mime.types",
            "StartServers 1", "ServerLimit 1", "ThreadsPerChild 8", "MaxRequestWorkers 8",
            "Include \(directory)/site.conf",
        ]
        try main.joined(separator: "\n").write(toFile: directory + "/httpd.conf", atomically: true, encoding: .utf8)
        let outcome = try Signals.unblocked {
            try ChildProcess.run("/usr/sbin/apache2", ["-f", directory + "/httpd.conf", "-k", "start"])
        }
        guard outcome.status == 0 else {
            throw ClientError("apache2 -k start failed (\(outcome.status)): \(outcome.output)\(outcome.errors)\(errorLog)")
        }
        try Stack.waitFor { (try? self.client.send("GET", "/static/")) != nil }
    }

    /// Apache's error log so far.
    var errorLog: String { (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? "" }

    /// Stops Apache (SIGTERM to the parent, which stops its children) and waits for it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        guard let text = try? String(contentsOfFile: directory + "/apache.pid", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
        try? Stack.waitFor(seconds: 10) { Signals.hasEnded(pid) }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
