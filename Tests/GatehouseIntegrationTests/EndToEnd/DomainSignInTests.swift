import Foundation
@testable import Gatehouse
import Testing

/// Domain-wide sign-in through real nginx serving two names: an app on
/// `app.gatehouse.test` (deploy/nginx-app.conf) guarded by Gatehouse on
/// `auth.gatehouse.test`, one session cookie for both.
@Suite("End to end: domain-wide sign-in for an app on another host", .serialized)
struct DomainSignInTests {
    static let forged = ["X-Auth-User": "root", "Remote-User": "root", "Remote-Groups": "admin,super",
                         "X-Auth-Request-User": "root", "X-Forwarded-User": "root", "X-Auth-Scope": "super"]

    /// The session cookie's whole `Set-Cookie` value in `answer`.
    static func sessionSetCookie(_ answer: HTTPClient.Answer) -> String? {
        answer.headers("Set-Cookie").first { $0.hasPrefix("session=") }
    }

    @Test("app signed out → sign-in with the app URL as next → back to the exact URL; the app sees X-Auth-User only; sign-out ends it for the app")
    func passwordStory() throws {
        let site = try DomainSite()
        defer { site.stop() }
        try SignIn.addUser("ann", password: "ann password 12", firstName: "Ann", to: site.stack.database)
        let target = site.appURL + "/report/q3?from=2024-07-01&to=2024-09-30&sort=desc&tag=a%26b"

        // Signed out: the app host sends the browser to Gatehouse, the whole URL as next.
        let bounced = try site.app.send("GET", "/report/q3?from=2024-07-01&to=2024-09-30&sort=desc&tag=a%26b",
                                        headers: ["X-Original-URL": "http://evil.example/"])
        #expect(bounced.status == 302)
        #expect(bounced.header("Location") == site.signInLocation(for: target))
        #expect(site.echo.hits.isEmpty)

        // The sign-in page on the auth host carries it; signing in returns there exactly.
        let location = try #require(bounced.header("Location"))
        let form = try site.auth.send("GET", String(location.dropFirst(site.publicURL.count)))
        #expect(form.status == 200)
        #expect(hiddenValue("next", in: form.text) == target.replacingOccurrences(of: "&", with: "&amp;"))
        let (session, answer) = try SignIn.through(site.auth, "ann", "ann password 12", next: target)
        #expect(answer.header("Location") == target)
        let setCookie = try #require(Self.sessionSetCookie(answer))
        #expect(setCookie.hasSuffix("; Domain=gatehouse.test"))
        #expect(Self.sessionSetCookie(form)?.hasSuffix("; Domain=gatehouse.test") == true, "the anonymous cookie too")
        // The device cookie is read only at sign-in on this host: it stays host-only.
        #expect(answer.headers("Set-Cookie").first { $0.hasPrefix("session_device=") }?.contains("Domain=") == false)

        // The app: identity from Gatehouse, forged headers gone, Gatehouse's cookie withheld.
        var headers = Self.forged
        headers["Cookie"] = "theme=dark; session=\(session); lang=en"
        let page = try site.app.send("GET", String(target.dropFirst(site.appURL.count)), headers: headers)
        #expect(page.status == 200)
        let seen = try EchoApps.headers(page)
        func values(_ name: String) -> [String] { seen.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
        #expect(values("X-Auth-User") == ["ann"])
        #expect(values("Remote-User") == ["ann"])
        #expect(values("Remote-Groups") == ["authenticated"])
        #expect(values("X-Auth-Scope") == ["authenticated"])
        #expect(values("X-Forwarded-User") == ["ann"])
        #expect(!seen.contains { $0.value.contains("root") || $0.value.contains("super") })
        #expect(values("Cookie") == ["theme=dark; lang=en"])
        #expect(site.echo.hits == ["/report/q3?from=2024-07-01&to=2024-09-30&sort=desc&tag=a%26b"])
        // A scope the user lacks: 403 from nginx, nothing reaches the app.
        #expect(try site.app.send("GET", "/admin/", headers: ["Cookie": "session=\(session)"]).status == 403)
        #expect(site.echo.hits.count == 1)

        // Sign-out, linked from the app: Gatehouse's page, its button, one session ended.
        let link = try site.app.send("GET", "/signout", headers: ["Cookie": "session=\(session)"])
        #expect(link.status == 302)
        let signOutURL = try #require(link.header("Location"))
        #expect(signOutURL == site.publicURL + "/auth/signout?next=" + site.appURL + "/")
        let signOutPage = try site.auth.send("GET", String(signOutURL.dropFirst(site.publicURL.count)),
                                             headers: ["Cookie": "session=\(session)"])
        #expect(signOutPage.status == 200)
        #expect(signOutPage.text.contains("Sign out of every app"))
        let csrf = try #require(hiddenValue("csrf_token", in: signOutPage.text))
        // The form is taken only at the sign-in host, never from the app's origin.
        let foreign = try site.auth.post("/auth/logout", form: [("csrf_token", csrf)],
                                         headers: ["Cookie": "session=\(session)", "Origin": site.appURL])
        #expect(foreign.status == 403)
        #expect(try site.app.send("GET", "/", headers: ["Cookie": "session=\(session)"]).status == 200)
        let out = try site.auth.post("/auth/logout", form: [("csrf_token", csrf), ("next", site.appURL + "/")],
                                     headers: ["Cookie": "session=\(session)", "Origin": site.publicURL])
        #expect(out.status == 303)
        #expect(out.header("Location") == "/auth?next=" + PercentEncoding.queryValue(site.appURL + "/"))
        let anonymous = try #require(out.cookie("session"))
        #expect(Self.sessionSetCookie(out)?.hasSuffix("; Domain=gatehouse.test") == true)
        for cookie in [session, anonymous] {
            let again = try site.app.send("GET", "/", headers: ["Cookie": "session=\(cookie)"])
            #expect(again.status == 302)
            #expect(again.header("Location") == site.signInLocation(for: site.appURL + "/"))
        }
        #expect(site.stack.stop() == 0)
    }

    @Test("a user with an app: password, then the TOTP code, then back to the app URL; ?mfa=1 and ?max_age on the app host")
    func secondFactorStory() throws {
        let site = try DomainSite()
        defer { site.stop() }
        let (secret, recovery) = try site.addUserWithApp("bob", password: "bob password 12")
        let target = site.appURL + "/secure/vault?id=7&view=full"

        let bounced = try site.app.send("GET", "/secure/vault?id=7&view=full")
        #expect(bounced.header("Location") == site.signInLocation(for: target))
        let pending = try SecondFactor.firstStep(site.auth, "bob", "bob password 12", next: target)
        let done = try SecondFactor.secondStep(site.auth, pending, code: SecondFactor.nextCode(secret))
        #expect(done.status == 303)
        #expect(done.header("Location") == target)
        let session = try #require(done.cookie("session"))
        #expect(Self.sessionSetCookie(done)?.hasSuffix("; Domain=gatehouse.test") == true)
        let page = try site.app.send("GET", "/secure/vault?id=7&view=full", headers: ["Cookie": "session=\(session)"])
        #expect(page.status == 200)
        #expect(try EchoApps.headers(page).contains { $0.name.lowercased() == "x-auth-user" && $0.value == "bob" })

        // Signed in too long ago for /settings/: to /auth/confirm, and back after the password and a code.
        let key = try #require(SessionToken(cookieValue: session)).storageKey
        _ = try site.stack.database.connect().query(
            "UPDATE session SET authenticated_at = now() - interval '11 minutes' WHERE token = $1", [key])
        OtherInstanceChange.settle()
        let settings = site.appURL + "/settings/?tab=keys&x=1"
        let stale = try site.app.send("GET", "/settings/?tab=keys&x=1", headers: ["Cookie": "session=\(session)"])
        #expect(stale.status == 302)
        #expect(stale.header("Location") == site.signInLocation(for: settings, page: "/auth/confirm"))
        let confirmPage = try site.auth.send("GET", "/auth/confirm?next=" + PercentEncoding.queryValue(settings),
                                             headers: ["Cookie": "session=\(session)"])
        #expect(hiddenValue("next", in: confirmPage.text) == settings.replacingOccurrences(of: "&", with: "&amp;"))
        let csrf = try #require(hiddenValue("csrf_token", in: confirmPage.text))
        // The app's codes of this minute are used up: a recovery code serves as the factor.
        let code = try #require(recovery.first)
        let confirmed = try site.auth.post("/auth/confirm", form: [("csrf_token", csrf), ("password", "bob password 12"),
                                                                   ("code", code), ("next", settings)],
                                           headers: SecondFactor.headers(site.auth, session))
        #expect(confirmed.status == 303)
        #expect(confirmed.header("Location") == settings)
        #expect(try site.app.send("GET", "/settings/?tab=keys&x=1", headers: ["Cookie": "session=\(session)"]).status == 200)
        #expect(site.stack.stop() == 0)
    }

    @Test("hostile next values on the sign-in page become / after a real sign-in")
    func hostileNext() throws {
        let site = try DomainSite()
        defer { site.stop() }
        try SignIn.addUser("eve", password: "eve password 12", to: site.stack.database)
        for next in ["http://evil.example/", "http://gatehouse.test.evil.example/", "http://evilgatehouse.test/",
                     "http://app.gatehouse.test@evil.example/", "javascript:alert(1)", "http://app.gatehouse.test\\@evil.example/",
                     "http://APP.gatehouse.test/", "http://app.gatehouse.test./", "http://xn--pp-8cd.gatehouse.test/"] {
            let (_, answer) = try SignIn.through(site.auth, "eve", "eve password 12", next: next)
            #expect(answer.header("Location") == "/", "\(next)")
        }
        #expect(site.stack.stop() == 0)
    }

    @Test("a new user signing up from the app's sign-in page lands back on the app URL")
    func registration() throws {
        let site = try DomainSite(settings: ["REGISTRATION": "on"])
        defer { site.stop() }
        let target = site.appURL + "/wiki/Start?lang=en&edit=1"
        let login = try site.auth.send("GET", "/auth?next=" + PercentEncoding.queryValue(target))
        #expect(login.text.contains("/auth/register?next=" + PercentEncoding.queryValue(target)))
        let page = try site.auth.send("GET", "/auth/register?next=" + PercentEncoding.queryValue(target))
        let anonymous = try #require(page.cookie("session"))
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        let password = "violet tram lantern 93"
        let answer = try site.auth.post("/auth/register", form: [
            ("csrf_token", csrf), ("next", target), ("username", "dora"), ("first_name", "Dora"), ("last_name", ""),
            ("password", password), ("password2", password),
        ], headers: ["Cookie": "session=\(anonymous)", "Origin": site.publicURL])
        #expect(answer.status == 303)
        #expect(answer.header("Location") == target)
        let session = try #require(answer.cookie("session"))
        let app = try site.app.send("GET", "/wiki/Start?lang=en&edit=1", headers: ["Cookie": "session=\(session)"])
        #expect(try EchoApps.headers(app).contains { $0.name.lowercased() == "x-auth-user" && $0.value == "dora" })
        #expect(site.stack.stop() == 0)
    }

    @Test("serve refuses unsound settings with exit 78 naming the key")
    func refusals() throws {
        let refused: [(String, [String: String])] = [
            ("COOKIE_DOMAIN", ["COOKIE_DOMAIN": "gatehouse.test"]),
            ("REDIRECT_HOSTS", ["REDIRECT_HOSTS": "*.gatehouse.test"]),
            ("COOKIE_DOMAIN", ["PUBLIC_URL": "https://auth.gatehouse.test", "COOKIE_DOMAIN": "evilgatehouse.test"]),
            ("REDIRECT_HOSTS", ["PUBLIC_URL": "https://auth.gatehouse.test", "REDIRECT_HOSTS": "*.test"]),
        ]
        let database = try TestDatabase()
        for (key, settings) in refused {
            do {
                _ = try Stack(database: database, settings: settings)
                Issue.record("serve started with \(settings)")
            } catch {
                #expect("\(error)".contains("exited with 78"), "\(settings)")
                #expect("\(error)".contains("invalid configuration: \(key):"), "\(settings)")
            }
        }
    }

    @Test("a passkey sign-in returns to an allowed app URL; passkey JSON is taken only at PUBLIC_URL's origin")
    func passkeyNext() throws {
        let port = TestEnvironment.freePort()
        // Passkeys need https or localhost: the sign-in site is http://localhost here.
        let stack = try Stack(settings: ["PUBLIC_URL": "http://localhost:\(port)", "COOKIE_DOMAIN": "localhost",
                                         "REDIRECT_HOSTS": "app.gatehouse.test"], port: port)
        defer { stack.stop() }
        try SignIn.addUser("ann", password: "ann password 12", to: stack.database)
        let local = HTTPClient(port: port, host: "localhost:\(port)")
        let http = PasskeyHTTP(client: local)
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: SignIn.through(local, "ann", "ann password 12").session)
        let target = "http://app.gatehouse.test:\(port)/x?a=1&b=2"
        for (next, location) in [(target, target), ("http://evil.example/", "/"), ("http://app.gatehouse.test.evil.example/", "/")] {
            let visitor = try http.anonymous()
            let challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
            let signedIn = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf,
                                         key.assertion(challenge: challenge, next: next))
            #expect(signedIn.status == 200)
            #expect(try PasskeyHTTP.object(signedIn)["location"] as? String == location, "\(next)")
        }
        // The same JSON post reaching Gatehouse under another host name is refused.
        let visitor = try http.anonymous()
        let foreign = try stack.client.send("POST", "/auth/passkey/options", headers: [
            "Host": "app.gatehouse.test:\(port)", "Cookie": "session=\(visitor.session)", "X-CSRF-Token": visitor.csrf,
        ])
        #expect(foreign.status == 403)
        #expect(foreign.text.contains("only at the sign-in site"))
    }
}
