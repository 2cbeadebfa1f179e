import Foundation
@testable import Gatehouse
import Synchronization
import Testing

/// The password reset through real nginx and `gatehouse serve`, the link arriving over SMTP
/// at a real server (scripts/smtp-sink.py) from the sender threads of the worker processes.
@Suite("End to end: password reset", .serialized)
struct ResetFlowTests {
    static let oldPassword = "correct horse battery staple"
    static let newPassword = "purple elephants juggle quietly"

    let sink: SMTPSink
    let stack: Stack
    let site: String

    init() throws {
        sink = try SMTPSink()
        let database = try TestDatabase()
        let connection = database.connect()
        try Migrations.run(on: connection)
        try SignIn.addUser("alice", password: Self.oldPassword, firstName: "Alice", to: database)
        try UserStore(database: connection).setConfirmedEmail(username: "alice", "alice@example.test")
        let port = TestEnvironment.freePort()
        site = "http://127.0.0.1:\(port)"
        stack = try Stack(database: database, settings: [
            "WORKER_PROCESSES": "2", "PUBLIC_URL": site, "SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PBKDF2_ITERATIONS": "1000",
        ], port: port)
    }

    var client: HTTPClient { stack.client }
    var connection: DatabaseConnection { stack.database.connect() }

    /// A visitor's cookie and CSRF token, from `path`'s form.
    func visitor(_ path: String = "/auth/reset", cookie: String? = nil) throws -> (cookie: String, csrf: String, page: HTTPClient.Answer) {
        let page = try client.send("GET", path, headers: cookie.map { ["Cookie": "session=\($0)"] } ?? [:])
        let session = try #require(page.cookie("session"))
        return (session, try #require(hiddenValue("csrf_token", in: page.text)), page)
    }

    func post(_ path: String, _ fields: [(String, String)], cookie: String, csrf: String) throws -> HTTPClient.Answer {
        try client.post(path, form: [("csrf_token", csrf)] + fields, headers: ["Cookie": "session=\(cookie)", "Origin": client.origin])
    }

    /// Asks for a link for `login` and returns the page.
    func request(_ login: String) throws -> HTTPClient.Answer {
        let (cookie, csrf, _) = try visitor()
        return try post("/auth/reset", [("login", login)], cookie: cookie, csrf: csrf)
    }

    /// Waits for mail number `count` and returns its reset link's path.
    func linkPath(mail count: Int = 1) throws -> String {
        let messages = sink.waitForMessages(count, seconds: 20)
        #expect(messages.count == count)
        let mail = try #require(messages.last)
        let link = try #require(MailText.resetLink(in: mail, site: site))
        return String(link.dropFirst(site.count))
    }

    func setPassword(_ path: String, _ password: String) throws -> HTTPClient.Answer {
        let (cookie, csrf, _) = try visitor()
        return try post(path, [("new_password", password), ("new_password2", password)], cookie: cookie, csrf: csrf)
    }

    func passwordHash() throws -> String? {
        try connection.query("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'alice'").scalar()
    }

    @Test("Request, link by SMTP, new password: old sessions end, only the new password signs in, the link works once")
    func wholeStory() throws {
        let (session, _) = try SignIn.through(client, "alice", Self.oldPassword)
        #expect(try client.send("GET", "/", headers: ["Cookie": "session=\(session)"]).status == 200)
        #expect(try client.send("GET", "/auth").text.contains("href=\"/auth/reset\""))

        let asked = try request("alice")
        #expect(asked.status == 200)
        #expect(asked.text.contains("If an account matches, a link is on its way"))
        let mail = try #require(sink.waitForMessages(1, seconds: 20).first)
        #expect(mail.contains("X-Envelope-To: alice@example.test"))
        #expect(mail.contains("Subject: Reset your password"))
        let path = try linkPath()

        let form = try client.send("GET", path)
        #expect(form.status == 200)
        #expect(form.text.contains("Choose a new password"))
        let answer = try setPassword(path, Self.newPassword)
        #expect(answer.status == 303)
        #expect(answer.header("Location") == "/auth?flash=password-reset")

        let old = try client.send("GET", "/", headers: ["Cookie": "session=\(session)"])
        #expect(old.status == 303)
        #expect(old.header("Location")?.hasPrefix("/auth") == true)
        let (cookie, csrf, _) = try visitor("/auth")
        let wrong = try post("/auth", [("username", "alice"), ("password", Self.oldPassword)], cookie: cookie, csrf: csrf)
        #expect(wrong.status == 401)
        // The password-changed notice follows the link.
        #expect(sink.waitForMessages(2, seconds: 20).last?.contains("Subject: Your password was changed") == true)
        let (fresh, _) = try SignIn.through(client, "alice", Self.newPassword)
        #expect(try client.send("GET", "/", headers: ["Cookie": "session=\(fresh)"]).status == 200)

        let hash = try passwordHash()
        let twice = try setPassword(path, "another quite long password")
        #expect(twice.status == 400)
        #expect(twice.text.contains("already used"))
        #expect(try passwordHash() == hash)
        #expect(try client.send("GET", "/", headers: ["Cookie": "session=\(fresh)"]).status == 200)
        // The token never reaches the log.
        #expect(!stack.responderLog.contains(String(path.dropFirst("/auth/reset/".count))))
    }

    @Test("An unknown login gets the same page as a known one, and no mail is sent")
    func unknownLogin() throws {
        let (cookie, csrf, _) = try visitor()
        let known = try post("/auth/reset", [("login", "alice")], cookie: cookie, csrf: csrf)
        let unknown = try post("/auth/reset", [("login", "nobody@example.test")], cookie: cookie, csrf: csrf)
        #expect(unknown.status == known.status)
        #expect(unknown.body == known.body)
        #expect(sink.waitForMessages(1, seconds: 20).count == 1)
        // Both requests have been handled by now (oldest first); give the senders time anyway.
        try Stack.waitFor { (try? self.connection.query("SELECT count(*) FROM reset_attempt WHERE handled_at IS NULL").scalar()) == "0" }
        sleep(2)
        #expect(sink.messages().count == 1)
    }

    @Test("An expired link is refused with a clear page and changes nothing")
    func expiredLink() throws {
        _ = try request("alice")
        let path = try linkPath()
        _ = try connection.query("UPDATE password_reset SET expires_at = now() - interval '1 second'")
        let hash = try passwordHash()
        let page = try client.send("GET", path)
        #expect(page.status == 400)
        #expect(page.text.contains("This link has expired"))
        let (cookie, csrf, _) = try visitor("/auth/reset")
        let answer = try post(path, [("new_password", Self.newPassword), ("new_password2", Self.newPassword)], cookie: cookie, csrf: csrf)
        #expect(answer.status == 400)
        #expect(try passwordHash() == hash)
    }

    @Test("Hostile requests through nginx: CR/LF in the login, an over-long login, broken tokens, a token with a NUL", arguments: [
        ("POST", "/auth/reset", "alice%0D%0ABcc:%20evil@example.test", 400),
        ("POST", "/auth/reset", String(repeating: "a", count: 300), 400),
        ("GET", "/auth/reset/" + String(repeating: "A", count: 42) + "%0A", "", 400),
        ("GET", "/auth/reset/" + String(repeating: "A", count: 42) + "%00", "", 400),
        ("GET", "/auth/reset/" + String(repeating: "A", count: 4000), "", 400),
        ("GET", "/auth/reset/" + String(repeating: "A", count: 43), "", 400),
    ])
    func hostile(method: String, path: String, login: String, status: Int) throws {
        let (cookie, csrf, _) = try visitor()
        let answer: HTTPClient.Answer
        if method == "POST" {
            answer = try client.send("POST", path, headers: ["Cookie": "session=\(cookie)", "Origin": client.origin,
                                                             "Content-Type": "application/x-www-form-urlencoded"],
                                     body: Array("csrf_token=\(csrf)&login=\(login)".utf8))
        } else {
            answer = try client.send("GET", path)
        }
        #expect(answer.status == status)
        #expect(try connection.query("SELECT count(*) FROM reset_attempt").scalar() == "0")
        #expect(try connection.query("SELECT count(*) FROM mail_outbox").scalar() == "0")
    }

    @Test("One link posted 12 times at once with different passwords sets exactly one of them")
    func linkUsedOnceUnderConcurrency() throws {
        _ = try request("alice")
        let path = try linkPath()
        let (cookie, csrf, _) = try visitor()
        let outcomes = Mutex<[(Int, String)]>([])
        let group = DispatchGroup()
        for number in 0..<12 {
            group.enter()
            Foundation.Thread.detachNewThread { [client] in
                defer { group.leave() }
                let password = "purple elephants juggle quietly \(number)"
                let status = (try? client.post(path, form: [("csrf_token", csrf), ("new_password", password), ("new_password2", password)],
                                               headers: ["Cookie": "session=\(cookie)", "Origin": client.origin]))?.status ?? 0
                outcomes.withLock { $0.append((status, password)) }
            }
        }
        group.wait()
        let all = outcomes.withLock { $0 }
        let winners = all.filter { $0.0 == 303 }
        #expect(winners.count == 1)
        // The others are refused as used (400), or before hashing when the hashing pool is full (503).
        #expect(all.filter { $0.0 == 400 || $0.0 == 503 }.count == 11)
        #expect(all.contains { $0.0 == 400 })
        let winner = try #require(winners.first)
        _ = try SignIn.through(client, "alice", winner.1)
        #expect(try connection.query("SELECT count(*) FROM audit_log WHERE event = 'password_reset'").scalar() == "1")
    }

    @Test("30 requests at once from one address: exactly 10 are taken, the rest get 429")
    func addressLimitUnderConcurrency() throws {
        let (cookie, csrf, _) = try visitor()
        let statuses = Mutex<[Int]>([])
        let group = DispatchGroup()
        for number in 0..<30 {
            group.enter()
            Foundation.Thread.detachNewThread { [client] in
                defer { group.leave() }
                let status = (try? client.post("/auth/reset", form: [("csrf_token", csrf), ("login", "nobody\(number)")],
                                               headers: ["Cookie": "session=\(cookie)", "Origin": client.origin]))?.status ?? 0
                statuses.withLock { $0.append(status) }
            }
        }
        group.wait()
        let all = statuses.withLock { $0 }
        #expect(all.filter { $0 == 200 }.count == PasswordResetRequests.addressLimit)
        #expect(all.filter { $0 == 429 }.count == 30 - PasswordResetRequests.addressLimit)
        #expect(try connection.query("SELECT count(*) FROM reset_attempt").scalar() == String(PasswordResetRequests.addressLimit))
    }
}
