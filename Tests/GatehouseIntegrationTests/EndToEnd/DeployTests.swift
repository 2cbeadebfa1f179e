import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// The other ways SPEC.md's Deployment section runs Gatehouse: under spawn-fcgi
/// (LISTEN=stdin), behind Apache's mod_proxy_fcgi, and as a plain CGI program.
@Suite("End to end: deployment", .serialized)
struct DeployTests {
    @Test("spawn-fcgi hands the socket over on fd 0; nginx serves the sign-in page; SIGTERM ends it",
          arguments: [["serve"], []])
    func spawnFCGI(command: [String]) throws {
        let database = try TestDatabase()
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-spawn")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/gatehouse.sock"
        var environment = Stack.environment(database: database, socket: socket, overrides: ["LISTEN": "stdin"])
        // `gatehouse serve` with LISTEN=stdin as SPEC.md says, or a bare `gatehouse` as
        // mod_fcgid starts it: a listening socket on fd 0 implies both.
        if command.isEmpty { environment["LISTEN"] = nil }
        let log = directory + "/gatehouse.log"
        // -n: spawn-fcgi binds the socket, puts it on fd 0 and execs gatehouse in its place.
        let arguments = ["-n", "-s", socket, "--", try TestEnvironment.binary()] + command
        let responder = try Signals.unblocked {
            try ChildProcess.start("/usr/bin/spawn-fcgi", arguments, environment: environment, outputPath: log, errorPath: log,
                                   directory: TestEnvironment.repoRoot)
        }
        try Stack.waitFor { FileManager.default.fileExists(atPath: socket) || responder.hasExited() != nil }
        let port = TestEnvironment.freePort()
        try Stack.script("nginx.sh", "start", directory + "/nginx", String(port), "unix:" + socket)
        defer { try? Stack.script("nginx.sh", "stop", directory + "/nginx") }

        let page = try HTTPClient(port: port).send("GET", "/auth")
        #expect(page.status == 200)
        #expect(page.text.contains("/static/bulma.min.css"))
        #expect(page.cookie("session")?.count == 43)
        responder.send(SIGTERM)
        #expect(responder.wait() == 0)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!output.contains("not a socket"), "\(output)")
    }

    @Test("sign in through a real Apache with deploy/apache.conf (mod_proxy_fcgi)")
    func apache() throws {
        let stack = try Stack()
        try SignIn.addUser("alice", password: "alice password 1", firstName: "Alice", to: stack.database)
        let apache = try ApacheServer(socketPath: stack.directory + "/gatehouse.sock")
        let client = apache.client

        let css = try client.send("GET", "/static/bulma.min.css")
        #expect(css.status == 200)
        #expect(css.header("Content-Type")?.hasPrefix("text/css") == true)
        #expect(try client.send("GET", "/static/gatehouse.css").status == 200, "\(apache.errorLog)")
        #expect(try client.send("GET", "/static/protected/index.html").status == 403)
        let anonymous = try client.send("GET", "/?tab=1")
        #expect(anonymous.status == 303, "\(apache.errorLog)")
        #expect(anonymous.header("Location") == "/auth?next=/%3Ftab%3D1")
        // mod_proxy_fcgi writes the request's end after its params: a responder that hangs
        // up before reading it turns a share of the answers into Apache's 503.
        let statuses = try (0..<300).map { _ in try client.send("GET", "/account").status }
        #expect(statuses.filter { $0 != 303 }.isEmpty, "\(Set(statuses)) \(apache.errorLog)")

        let (session, signedIn) = try SignIn.through(client, "alice", "alice password 1")
        #expect(signedIn.header("Location") == "/")
        let home = try client.send("GET", "/", headers: ["Cookie": "session=\(session)"])
        #expect(home.status == 200, "\(apache.errorLog)")
        #expect(home.text.contains("Welcome, Alice!"))
        #expect(home.headers("Set-Cookie").count == 1)
        #expect(try client.send("GET", "/auth/check", headers: ["Cookie": "session=\(session)"]).header("X-Auth-User") == "alice")
        apache.stop()
        #expect(stack.stop() == 0)
    }

    @Test("plain CGI behind nginx and fcgiwrap: sign-in page, sign in, home, 404 page")
    func cgiThroughFcgiwrap() throws {
        let cgi = try CGIStack()
        try SignIn.addUser("alice", password: "alice password 1", firstName: "Alice", to: cgi.database)
        let client = cgi.client

        let form = try client.send("GET", "/auth")
        #expect(form.status == 200, "\(cgi.log)")
        #expect(form.header("Content-Security-Policy") == "default-src 'self'")
        let (session, _) = try SignIn.through(client, "alice", "alice password 1")
        let home = try client.send("GET", "/", headers: ["Cookie": "session=\(session)"])
        #expect(home.status == 200)
        #expect(home.text.contains("Welcome, Alice!"))
        #expect(try client.send("GET", "/no/such/page").status == 404)
        let wrong = try client.post("/auth", form: [("username", "alice"), ("password", "x")])
        #expect(wrong.status == 403)  // no CSRF token
        cgi.stop()
        #expect(cgi.log.contains("event=login_success"))
    }

    @Test("plain CGI under Apache's mod_cgid, whose stdin is a connected socket, not FastCGI's listening one")
    func cgiUnderModCGID() throws {
        let database = try TestDatabase()
        // The CGI runs as www-data, from copies it can reach even when the checkout lies
        // in a directory closed to other users (a clone under /root).
        let apache = try ApacheServer(cgiProgram: try TestEnvironment.binary()) { templates in
            CGIStack.envFile(database: database, templates: templates)
        }

        // Anonymous pages need no database, which www-data cannot reach in the test cluster.
        let form = try apache.client.send("GET", "/auth?next=/admin")
        #expect(form.status == 200, "\(apache.errorLog)")
        #expect(form.cookie("session")?.count == 43)
        #expect(form.text.contains(#"name="next" value="/admin""#))
        let home = try apache.client.send("GET", "/")
        #expect(home.status == 303)
        #expect(home.header("Location") == "/auth?next=/")
        apache.stop()
    }

    @Test("a bare `gatehouse` started as CGI answers one request on stdout and exits 0")
    func bareCGI() throws {
        let database = try TestDatabase()
        try Migrations.run(on: database.connect())
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-bare-cgi")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try CGIStack.envFile(database: database).write(toFile: directory + "/gatehouse.env", atomically: true, encoding: .utf8)
        var environment = [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "REQUEST_URI": "/auth?next=/account",
            "QUERY_STRING": "next=/account", "REMOTE_ADDR": "192.0.2.7", "HTTP_HOST": "example.test",
            "GATEHOUSE_ENV_FILE": directory + "/gatehouse.env", "PATH": "/usr/bin:/bin",
        ]
        let page = try ChildProcess.run(try TestEnvironment.binary(), [], environment: environment, directory: "/")
        #expect(page.status == 0, "\(page.errors)")
        #expect(page.output.hasPrefix("Status: 200 OK\r\n"))
        #expect(page.output.contains("\r\nSet-Cookie: session="))
        #expect(page.output.contains(#"name="next" value="/account""#))

        // A POST's form is read from stdin: its CSRF token is accepted, the password is not.
        let cookie = try #require(page.output.firstRange(of: "Set-Cookie: session=").map { String(page.output[$0.upperBound...].prefix(43)) })
        let csrf = CSRFToken.make(secretKey: Array("test-secret-key-0123456789abcdef-0123456789".utf8),
                                  sessionToken: try #require(SessionToken(cookieValue: cookie)))
        let form = "csrf_token=\(csrf)&username=nobody&password=wrong+password"
        environment.merge(["REQUEST_METHOD": "POST", "REQUEST_URI": "/auth", "QUERY_STRING": "", "HTTP_COOKIE": "session=\(cookie)",
                           "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": String(form.utf8.count)]) { $1 }
        let post = try ChildProcess.run(try TestEnvironment.binary(), ["cgi"], environment: environment, input: form)
        #expect(post.output.hasPrefix("Status: 401 "), "\(post.output.prefix(300))")

        // A configuration error still answers the browser, with a bare 500.
        environment["SECRET_KEY"] = "short"
        let broken = try ChildProcess.run(try TestEnvironment.binary(), [], environment: environment)
        #expect(broken.status == 78)
        #expect(broken.output.hasPrefix("Status: 500 Internal Server Error\r\n"))
        #expect(broken.errors.contains("SECRET_KEY"))
    }
}
