import Foundation
@testable import Gatehouse
import Testing

/// Two host names on one loopback nginx: `auth.gatehouse.test` (deploy/nginx.conf, the
/// default server, Gatehouse itself) and `app.gatehouse.test` (deploy/nginx-app.conf, the
/// shipped file with its placeholders filled in, guarding the echo app), chosen by
/// `server_name` and the Host header. Gatehouse runs with PUBLIC_URL, COOKIE_DOMAIN and
/// REDIRECT_HOSTS set as README tells a site owner.
final class DomainSite {
    let stack: Stack
    let echo: EchoApps
    let port: Int
    /// A client speaking to the sign-in host, and one to the app's.
    let auth: HTTPClient
    let app: HTTPClient

    static let authHost = "auth.gatehouse.test"
    static let appHost = "app.gatehouse.test"
    /// The stack's SECRET_KEY, which seals TOTP secrets.
    static let secretKey = "test-secret-key-0123456789abcdef-0123456789"

    /// Gatehouse's PUBLIC_URL, and the app's origin.
    var publicURL: String { "http://\(Self.authHost):\(port)" }
    var appURL: String { "http://\(Self.appHost):\(port)" }

    /// Starts the echo app, Gatehouse (`settings` added) and nginx with both servers.
    init(settings: [String: String] = [:]) throws {
        echo = try EchoApps()
        let port = TestEnvironment.freePort()
        self.port = port
        var values = ["PUBLIC_URL": "http://\(Self.authHost):\(port)", "COOKIE_DOMAIN": "gatehouse.test",
                      "REDIRECT_HOSTS": "*.gatehouse.test", "SECRET_KEY": Self.secretKey]
        values.merge(settings) { $1 }
        let appPort = echo.httpPort
        let template = try String(contentsOfFile: TestEnvironment.repoRoot + "/deploy/nginx-app.conf", encoding: .utf8)
        stack = try Stack(settings: values, port: port) { port, socket in
            template.replacingOccurrences(of: "__LISTEN__", with: "127.0.0.1:\(port)")
                .replacingOccurrences(of: "__APP_HOST__", with: Self.appHost)
                .replacingOccurrences(of: "__APP__", with: "http://127.0.0.1:\(appPort)")
                .replacingOccurrences(of: "__PUBLIC_URL__", with: "http://\(Self.authHost):\(port)")
                .replacingOccurrences(of: "__GATEHOUSE__", with: socket)
        }
        auth = HTTPClient(port: port, host: "\(Self.authHost):\(port)")
        app = HTTPClient(port: port, host: "\(Self.appHost):\(port)")
    }

    /// Adds a user with an authenticator app switched on; returns its base32 secret and
    /// ten recovery codes.
    func addUserWithApp(_ username: String, password: String) throws -> (secret: String, recovery: [String]) {
        try SignIn.addUser(username, password: password, to: stack.database)
        let database = stack.database.connect()
        let id = try #require(try database.query("SELECT id FROM users WHERE username = $1", [username]).scalar().flatMap { Int($0) })
        let store = TOTPStore(database: database, key: FactorSecretKey(secretKey: Array(Self.secretKey.utf8)))
        let secret = Base32.encode(try #require(try store.pendingSecret(userID: id)), padded: false)
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try store.confirm(userID: id, typed: SecondFactor.code(secret, at: now), now: now))
        return (secret, try RecoveryCodes(database: database).regenerate(userID: id))
    }

    /// The sign-in `Location` the app host sends a signed-out visitor of `url` to.
    func signInLocation(for url: String, page: String = "/auth") -> String {
        publicURL + page + "?next=" + PercentEncoding.queryValue(url)
    }

    /// Stops nginx, Gatehouse and the echo app.
    func stop() {
        stack.stop()
        echo.stop()
    }
}
