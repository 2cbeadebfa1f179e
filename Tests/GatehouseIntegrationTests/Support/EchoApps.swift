import Foundation
import TestSupport

/// Two apps for the gate to guard, each answering with the request headers it received as
/// a JSON list of `[name, value]` pairs: a Python HTTP server behind `proxy_pass`, and a CGI
/// script behind Debian's fcgiwrap (`fastcgi_pass`, headers as `HTTP_*` variables).
/// `locations` guards them in nginx exactly as README tells a site owner to guard an app.
final class EchoApps {
    let directory: String
    let httpPort: Int
    private let processes: [ChildProcess]
    private var stopped = false

    /// The proxied app's program: the headers back as JSON; each request noted in `hits`.
    private static let server = #"""
        import http.server, json, sys
        class Echo(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(sys.argv[2], "a") as hits: hits.write(self.path + "\n")
                body = json.dumps([[name, value] for name, value in self.headers.items()]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *arguments): pass
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
        """#

    /// The FastCGI app's CGI script: its `HTTP_*` variables back as JSON.
    private static func script(hits: String) -> String {
        #"""
        #!/bin/sh
        echo "$REQUEST_URI" >>\#(hits)
        printf 'Content-Type: application/json\r\n\r\n'
        exec python3 -c 'import json, os; print(json.dumps([[k, v] for k, v in os.environ.items() if k.startswith("HTTP_")]))'
        """#
    }

    /// Starts both apps on loopback and waits until they answer.
    init() throws {
        directory = try TestEnvironment.temporaryDirectory("gatehouse-echo")
        httpPort = TestEnvironment.freePort()
        try EchoApps.server.write(toFile: directory + "/echo.py", atomically: true, encoding: .utf8)
        try EchoApps.script(hits: directory + "/hits").write(toFile: directory + "/echo.cgi", atomically: true, encoding: .utf8)
        chmod(directory + "/echo.cgi", 0o755)
        let (directory, port) = (directory, httpPort)
        processes = try Signals.unblocked {
            [
                try ChildProcess.start("/usr/bin/python3", [directory + "/echo.py", String(port), directory + "/hits"],
                                       outputPath: directory + "/echo.log", errorPath: directory + "/echo.log"),
                try ChildProcess.start("/usr/sbin/fcgiwrap", ["-s", "unix:" + directory + "/fcgiwrap.sock"], environment: ["PATH": "/usr/bin:/bin"],
                                       outputPath: directory + "/fcgiwrap.log", errorPath: directory + "/fcgiwrap.log"),
            ]
        }
        try Stack.waitFor {
            FileManager.default.fileExists(atPath: directory + "/fcgiwrap.sock") && (try? HTTPClient(port: port).send("GET", "/ready")) != nil
        }
        try "".write(toFile: directory + "/hits", atomically: true, encoding: .utf8)
    }

    /// nginx locations: `/app/` (any signed-in user) and `/app/admin/` (scope admin) proxied
    /// to the HTTP app, `/fcgi-app/` passed to the FastCGI one; each includes the shipped
    /// snippets/gatehouse-identity.conf, never a copy of it.
    var locations: String {
        """
        location /app/ {
            auth_request /_gatehouse/check;
            include snippets/gatehouse-identity.conf;
            error_page 401 = @gatehouse_login;
            proxy_pass http://127.0.0.1:\(httpPort);
        }
        location /app/admin/ {
            auth_request /_gatehouse/check/admin;
            include snippets/gatehouse-identity.conf;
            error_page 401 = @gatehouse_login;
            proxy_pass http://127.0.0.1:\(httpPort);
        }
        location /fcgi-app/ {
            auth_request /_gatehouse/check;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \(directory)/echo.cgi;
            include snippets/gatehouse-identity.conf;
            error_page 401 = @gatehouse_login;
            fastcgi_pass unix:\(directory)/fcgiwrap.sock;
        }

        """
    }

    /// The paths the apps were asked for so far, oldest first.
    var hits: [String] {
        ((try? String(contentsOfFile: directory + "/hits", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The header pairs an app's answer lists.
    static func headers(_ answer: HTTPClient.Answer) throws -> [(name: String, value: String)] {
        guard let pairs = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String]] else {
            throw ClientError("not an echo: \(answer.text)")
        }
        return pairs.map { ($0[0], $0[1]) }
    }

    /// Stops both apps.
    func stop() {
        guard !stopped else { return }
        stopped = true
        for process in processes {
            process.send(SIGTERM)
            if (try? Stack.waitFor(seconds: 5) { process.hasExited() != nil }) == nil {
                process.send(SIGKILL)
                process.wait()
            }
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
