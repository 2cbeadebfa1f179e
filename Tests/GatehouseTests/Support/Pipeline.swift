@testable import Gatehouse

/// `Application.respond` without PostgreSQL: the session comes from `FakeSessions`, and
/// the database connection points at a socket directory that does not exist, so a
/// handler that really runs a statement answers 503 while routing, guards and CSRF run
/// as in production.
///
/// Built per test: it holds the (non-Sendable) connection and fake, as a worker thread does.
final class Pipeline {
    /// The application, configured with the repository's templates.
    let application: Application
    /// The sessions the pipeline finds.
    let sessions = FakeSessions()
    /// Connects lazily, so nothing is opened until a handler runs a statement; then the
    /// missing directory fails at once (no timeout, so the database is never listed as
    /// unresponsive).
    let database = DatabaseConnection(conninfo: "host=/nonexistent/gatehouse-unit-tests dbname=none", timeout: 1)

    /// A pipeline with the test secret and `settings` added to the environment.
    init(_ settings: [String: String] = [:]) throws {
        var environment = ["SECRET_KEY": ConfigFixtures.secret]
        environment.merge(settings) { $1 }
        let configuration = try ConfigFixtures.load(environment)
        application = Application(configuration: configuration, templates: RepoTemplates.library)
    }

    /// Answers `method target`, where `target` is the path and query as the browser sent
    /// them, with the session cookie for `session` and the `headers` given (lower case).
    func send(_ method: String, _ target: String, session: SessionToken? = nil,
              headers: [String: String] = [:], body: String = "") -> Response {
        let query = target.firstIndex(of: "?")
        var request = Request(method: method, path: String(target[..<(query ?? target.endIndex)]),
                              query: query.map { String(target[target.index(after: $0)...]) } ?? "",
                              headers: HTTPHeaders(headers), body: Array(body.utf8))
        if let session { request.headers["cookie"] = cookieName + "=" + session.text }
        return application.respond(to: request, database: database, sessions: sessions)
    }

    /// POSTs `fields` URL-encoded, as a browser submits a form of this site (`Host` given).
    func post(_ path: String, session: SessionToken?, _ fields: [(String, String)],
              headers: [String: String] = [:]) -> Response {
        let body = fields.map { PercentEncoding.queryValue($0.0) + "=" + PercentEncoding.queryValue($0.1) }.joined(separator: "&")
        var sent = ["content-type": "application/x-www-form-urlencoded", "host": "gate.example"]
        sent.merge(headers) { $1 }
        return send("POST", path, session: session, headers: sent, body: body)
    }

    /// The `csrf_token` a form shows to the holder of `token`.
    func csrfToken(for token: SessionToken) -> String {
        CSRFToken.make(key: application.csrfKey, sessionToken: token)
    }

    /// The session cookie's name (SESSION_COOKIE_NAME).
    var cookieName: String { application.configuration.sessionCookieName }

    /// Requests that met a database error so far (`gatehouse_database_errors_total`).
    var databaseErrors: Int {
        let exposition = application.metrics.exposition(liveSessions: nil, threadsPerWorker: 1)
        let line = exposition.split(separator: "\n").first { $0.hasPrefix("gatehouse_database_errors_total ") }
        return line.flatMap { Int($0.split(separator: " ")[1]) } ?? -1
    }
}

extension Response {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The `Location` header.
    var location: String? { header("Location") }

    /// The session cookie's value when the answer sets one.
    func sessionCookie(_ pipeline: Pipeline) -> SetCookie? {
        cookies.first { $0.name == pipeline.cookieName }
    }
}
