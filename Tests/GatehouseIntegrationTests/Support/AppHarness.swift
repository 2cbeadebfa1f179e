import Foundation
@testable import Gatehouse

/// The application on a fresh, migrated database, driven in-process (no socket), like a
/// browser: it keeps the session cookie between requests and reads forms' CSRF tokens.
final class AppHarness {
    let database: TestDatabase
    let connection: DatabaseConnection
    let application: Application
    let configuration: Configuration

    /// A new database, migrated, with the application configured by `overrides`.
    init(settings overrides: [String: String] = [:], prepare: (DatabaseConnection) throws -> Void = { _ in }) throws {
        database = try TestDatabase()
        connection = database.connect()
        try prepare(connection)
        try Migrations.run(on: connection)
        var environment = Stack.settings(database: database, socket: "/tmp/unused.sock", overrides: overrides)
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        configuration = try Configuration.load(envFile: nil, environment: environment)
        application = try Application(configuration: configuration)
    }

    /// Another instance on the same database: its own Application and connection.
    func secondInstance() throws -> AppHarness {
        try AppHarness(sharing: self)
    }

    private init(sharing other: AppHarness) throws {
        database = other.database
        connection = database.connect()
        configuration = other.configuration
        application = try Application(configuration: configuration)
    }

    /// An instance of its own (Application and connection) on the database `conninfo`
    /// names, made on the calling thread: for tests that run instances side by side.
    init(joining conninfo: String) throws {
        database = TestDatabase(conninfo: conninfo)
        connection = database.connect()
        var environment = Stack.settings(database: database, socket: "/tmp/unused.sock", overrides: [:])
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        configuration = try Configuration.load(envFile: nil, environment: environment)
        application = try Application(configuration: configuration)
    }

    /// A fresh browser with no cookie yet.
    func browser(address: String = "203.0.113.5") -> Browser {
        Browser(harness: self, address: address)
    }

    /// Adds a user straight through the store.
    @discardableResult
    func addUser(_ name: String, password: String = "correct horse battery", firstName: String? = nil, scopes: [String] = []) throws -> Int {
        let hasher = PasswordHasher(iterations: configuration.pbkdf2Iterations)
        return try UserStore(database: connection).add(username: name, firstName: firstName, lastName: nil, scopes: scopes, password: hasher.hash(password))
    }

    /// One value from the database.
    func scalar(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try connection.query(sql, parameters).scalar()
    }
}

/// A cookie-keeping client of an in-process `Application`.
struct Browser {
    let harness: AppHarness
    let address: String
    var cookie: String?
    /// Cookies other than the session's (the device cookie), by name, sent after it.
    var otherCookies: [String: String] = [:]
    var userAgent = "TestBrowser/1.0"
    /// Whether requests arrive as over TLS (nginx's `HTTPS=on`).
    var https = false
    /// The port the web server says it took the request on (`SERVER_PORT`), if any.
    var serverPort: Int?

    init(harness: AppHarness, address: String) {
        self.harness = harness
        self.address = address
    }

    /// Sends a request; each `Set-Cookie` replaces the kept cookie of that name.
    @discardableResult
    mutating func send(_ method: String, _ target: String, body: [UInt8] = [], headers extra: [String: String] = [:]) -> Response {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers = ["host": "127.0.0.1:8080", "user-agent": userAgent]
        let sent = (cookie.map { ["session=\($0)"] } ?? []) + otherCookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if !sent.isEmpty { headers["cookie"] = sent.joined(separator: "; ") }
        if !body.isEmpty { headers["content-type"] = "application/x-www-form-urlencoded" }
        headers.merge(extra) { $1 }
        let request = Request(method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                              headers: HTTPHeaders(headers), remoteAddress: address, isHTTPS: https,
                              serverPort: serverPort, body: body)
        let response = harness.application.respond(to: request, database: harness.connection)
        for set in response.cookies {
            if set.name == "session" { cookie = set.value } else { otherCookies[set.name] = set.value }
        }
        return response
    }

    /// GETs `target`.
    @discardableResult
    mutating func get(_ target: String) -> Response { send("GET", target) }

    /// POSTs a form; `csrf_token` is added from the current cookie unless given.
    @discardableResult
    mutating func post(_ target: String, _ fields: [(String, String)], csrf: String? = nil, headers: [String: String] = [:]) -> Response {
        if cookie == nil { get("/auth") }
        var all = fields
        if !fields.contains(where: { $0.0 == "csrf_token" }) {
            all.append(("csrf_token", csrf ?? currentCSRF()))
        }
        let body = all.map { "\(HTTPClient.encode($0.0))=\(HTTPClient.encode($0.1))" }.joined(separator: "&")
        return send("POST", target, body: Array(body.utf8), headers: headers)
    }

    /// The CSRF token that belongs to the current cookie.
    func currentCSRF() -> String {
        guard let cookie, let token = SessionToken(cookieValue: cookie) else { return "" }
        return CSRFToken.make(secretKey: harness.configuration.secretKey, sessionToken: token)
    }

    /// Signs in; returns the answer to the POST.
    @discardableResult
    mutating func login(_ username: String, _ password: String = "correct horse battery", next: String = "/") -> Response {
        get("/auth")
        return post("/auth", [("username", username), ("password", password), ("next", next)])
    }
}

extension Response {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
