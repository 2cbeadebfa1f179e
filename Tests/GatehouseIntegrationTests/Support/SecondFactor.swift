import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// Enrolment and the second step of sign-in, as a browser does them, for end-to-end tests.
enum SecondFactor {
    /// The code `oathtool` (an independent RFC 6238 implementation) computes for the base32
    /// `secret` at `unixTime`; our own `TOTP.code` must agree with it.
    static func code(_ secret: String, at unixTime: Int64) throws -> String {
        let bytes = try #require(Base32.decode(secret))
        let ours = TOTP.code(secret: bytes, step: TOTP.step(at: unixTime))
        let outcome = try ChildProcess.run("/usr/bin/oathtool", ["--totp", "-b", "--now", "@\(unixTime)", secret])
        #expect(outcome.status == 0, "oathtool: \(outcome.errors)")
        #expect(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines) == ours)
        return ours
    }

    /// The code of the step after the current one: accepted now (one step of drift) and
    /// later than any step used so far in a test that uses one code per step at most.
    static func nextCode(_ secret: String) throws -> String {
        try code(secret, at: Int64(Date().timeIntervalSince1970) + 30)
    }

    /// Headers of a form POST from the browser holding `session`.
    static func headers(_ client: HTTPClient, _ session: String) -> [String: String] {
        ["Cookie": "session=\(session)", "Origin": client.origin]
    }

    /// Opens /account/totp as `session` and returns the base32 secret shown and the page.
    static func enrolmentSecret(_ client: HTTPClient, _ session: String) throws -> (secret: String, page: HTTPClient.Answer) {
        let page = try client.send("GET", "/account/totp", headers: ["Cookie": "session=\(session)"])
        #expect(page.status == 200)
        let start = try #require(page.text.range(of: #"<code class="totp-secret">"#))
        let end = try #require(page.text[start.upperBound...].range(of: "</code>"))
        return (page.text[start.upperBound..<end.lowerBound].filter { $0 != " " }, page)
    }

    /// POSTs `code` to /account/totp as `session`.
    static func confirm(_ client: HTTPClient, _ session: String, code: String, csrf: String) throws -> HTTPClient.Answer {
        try client.post("/account/totp", form: [("csrf_token", csrf), ("code", code)], headers: headers(client, session))
    }

    /// The recovery codes on a page that shows them.
    static func recoveryCodes(in html: String) -> [String] {
        html.components(separatedBy: "<li class=\"column is-half-mobile is-one-fifth-desktop\"><code>").dropFirst()
            .compactMap { $0.components(separatedBy: "</code>").first }
    }

    /// Signs in with the password of a user with a factor: expects the 303 to
    /// /auth/second and returns the half-done sign-in's cookie.
    static func firstStep(_ client: HTTPClient, _ username: String, _ password: String, next: String = "/") throws -> String {
        let (pending, answer) = try SignIn.through(client, username, password, next: next)
        #expect(answer.header("Location") == "/auth/second")
        return pending
    }

    /// GETs /auth/second with the half-done sign-in's cookie and POSTs `code` back.
    static func secondStep(_ client: HTTPClient, _ pending: String, code: String) throws -> HTTPClient.Answer {
        let page = try client.send("GET", "/auth/second", headers: ["Cookie": "session=\(pending)"])
        #expect(page.status == 200)
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        return try client.post("/auth/second", form: [("csrf_token", csrf), ("code", code)], headers: headers(client, pending))
    }
}
