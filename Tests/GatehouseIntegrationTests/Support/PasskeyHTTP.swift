import Foundation
@testable import Gatehouse
import Testing

/// A browser's side of the passkey JSON routes, spoken over HTTP as static/passkeys.js
/// speaks them, at `Host: localhost:PORT` (127.0.0.1 is no RP ID).
struct PasskeyHTTP {
    let client: HTTPClient
    var origin: String { "http://localhost:\(client.port)" }

    /// A page's CSRF token for the browser holding `session` (a GET of `page`).
    func csrf(_ session: String, page: String = "/account") throws -> String {
        let answer = try client.send("GET", page, headers: ["Host": "localhost:\(client.port)", "Cookie": "session=\(session)"])
        #expect(answer.status == 200, "GET \(page): \(answer.status)")
        return try #require(hiddenValue("csrf_token", in: answer.text))
    }

    /// An anonymous visitor's cookie and CSRF token, from the sign-in page.
    func anonymous() throws -> (session: String, csrf: String) {
        let page = try client.send("GET", "/auth", headers: ["Host": "localhost:\(client.port)"])
        let session = try #require(page.cookie("session"))
        return (session, try #require(hiddenValue("csrf_token", in: page.text)))
    }

    /// POSTs `body` (JSON text) with the given CSRF header (none when nil) and Origin.
    func post(_ path: String, session: String, csrf: String?, body: [UInt8], origin: String? = nil,
              contentType: String = "application/json") throws -> HTTPClient.Answer {
        var headers = ["Host": "localhost:\(client.port)", "Cookie": "session=\(session)", "Content-Type": contentType,
                       "Origin": origin ?? self.origin]
        if let csrf { headers["X-CSRF-Token"] = csrf }
        return try client.send("POST", path, headers: headers, body: body)
    }

    /// POSTs `members` as a JSON object.
    func post(_ path: String, session: String, csrf: String?, _ members: [String: String] = [:]) throws -> HTTPClient.Answer {
        try post(path, session: session, csrf: csrf, body: Array(try JSONSerialization.data(withJSONObject: members)))
    }

    /// The JSON object of an answer.
    static func object(_ answer: HTTPClient.Answer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any], "not JSON: \(answer.text)")
    }

    /// The `challenge` of an options answer.
    static func challenge(_ answer: HTTPClient.Answer) throws -> String {
        #expect(answer.status == 200, "options: \(answer.status) \(answer.text)")
        return try #require(try object(answer)["challenge"] as? String)
    }

    /// Registers `authenticator`'s credential for the signed-in `session`; expects success.
    func register(_ authenticator: SoftAuthenticator, session: String, name: String = "Soft key",
                  page: String = "/account") throws {
        let csrf = try csrf(session, page: page)
        let options = try post("/account/passkeys/options", session: session, csrf: csrf)
        let publicKey = try Self.object(options)
        let user = try #require(publicKey["user"] as? [String: Any])
        let handle = try #require(user["id"] as? String)
        authenticator.userHandle = try #require(Base64URL.decode(handle))
        let added = try post("/account/passkeys", session: session, csrf: csrf,
                             authenticator.registration(challenge: try Self.challenge(options), name: name))
        #expect(added.status == 200, "add: \(added.status) \(added.text)")
        #expect((try? Self.object(added))?["location"] as? String == "/account?flash=passkey-added-make-codes")
    }

    /// How many passkeys are stored.
    static func count(_ database: TestDatabase) throws -> Int {
        Int(try database.connect().query("SELECT count(*) FROM passkey").scalar() ?? "") ?? -1
    }
}
