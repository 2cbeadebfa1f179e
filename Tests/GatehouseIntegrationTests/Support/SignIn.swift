import Foundation
@testable import Gatehouse
import Testing

/// Users and the sign-in dance for end-to-end tests that go through a real web server.
enum SignIn {
    /// Adds `username` to `database` (PBKDF2 at 1000 iterations, as the test stacks use).
    static func addUser(_ username: String, password: String, firstName: String? = nil,
                        scopes: [String] = [], to database: TestDatabase) throws {
        let hasher = PasswordHasher(iterations: 1000)
        try UserStore(database: database.connect()).add(
            username: username, firstName: firstName, lastName: nil, scopes: scopes, password: hasher.hash(password))
    }

    /// GETs the sign-in form, POSTs it back with its CSRF token, and expects a 303.
    /// - Returns: the new session cookie's value and the POST's answer.
    @discardableResult
    static func through(_ client: HTTPClient, _ username: String, _ password: String,
                        next: String = "/") throws -> (session: String, answer: HTTPClient.Answer) {
        let form = try client.send("GET", "/auth?next=" + HTTPClient.encode(next))
        #expect(form.status == 200)
        let anonymous = try #require(form.cookie("session"))
        let csrf = try #require(hiddenValue("csrf_token", in: form.text))
        let answer = try client.post(
            "/auth", form: [("csrf_token", csrf), ("username", username), ("password", password), ("next", next)],
            headers: ["Cookie": "session=\(anonymous)", "Origin": client.origin])
        #expect(answer.status == 303)
        let session = try #require(answer.cookie("session"))
        #expect(session != anonymous)
        return (session, answer)
    }
}
