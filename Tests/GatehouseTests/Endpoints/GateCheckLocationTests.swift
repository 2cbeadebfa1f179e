@testable import Gatehouse
import Testing

/// PUBLIC_URL and the `Location` of `/auth/check`'s 401: where nginx sends a visitor to
/// sign in (or confirm) and come back to the URL they asked for.
@Suite("Gate check Location and PUBLIC_URL")
struct GateCheckLocationTests {
    static let original = "https://app.example.com/docs/a b?x=1&y=é#top"
    static let encoded = "https%3A//app.example.com/docs/a%20b%3Fx%3D1%26y%3D%C3%A9%23top"

    @Test("PUBLIC_URL takes an http(s) origin and nothing else; it is listed by check-config")
    func configuration() throws {
        let accepted = [("https://auth.example.com", "https://auth.example.com"), ("https://Auth.Example.com/", "https://auth.example.com"),
                        ("http://localhost:8080", "http://localhost:8080"), ("https://auth.example.com:443", "https://auth.example.com"),
                        ("https://[::1]:8443", "https://[::1]:8443")]
        for (text, origin) in accepted {
            #expect(try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret, "PUBLIC_URL": text]).publicURL == origin, "\(text)")
        }
        #expect(try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret]).publicURL == nil)
        for text in ["auth.example.com", "ftp://auth.example.com", "https://auth.example.com/path", "https://auth.example.com?x=1",
                     "https://user@auth.example.com", "https://", "https://auth.example.com:99999", "https://auth.example.com#x",
                     "https://auth example.com", "javascript://x"] {
            #expect(ConfigFixtures.error(["PUBLIC_URL": text])?.key == "PUBLIC_URL", "\(text)")
        }
        let shown = try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret, "PUBLIC_URL": "https://auth.example.com"]).redactedDescription()
        #expect(shown.contains("\nPUBLIC_URL=https://auth.example.com"))
    }

    @Test("With PUBLIC_URL and X-Original-URL, a 401 carries Location to the sign-in page with the URL as next")
    func signIn() throws {
        let pipeline = try Pipeline(["PUBLIC_URL": "https://auth.example.com", "REDIRECT_HOSTS": "app.example.com"])
        let response = pipeline.send("GET", "/auth/check", headers: ["x-original-url": Self.original])
        #expect(response.status == .unauthorized)
        #expect(response.location == "https://auth.example.com/auth?next=" + Self.encoded)
        #expect(response.body.isEmpty)
        // A signed-in user gets no Location on 204 or 403.
        let token = pipeline.sessions.signIn("ann")
        #expect(pipeline.send("GET", "/auth/check", session: token, headers: ["x-original-url": Self.original]).location == nil)
        #expect(pipeline.send("GET", "/auth/check?scope=admin", session: token, headers: ["x-original-url": Self.original]).location == nil)
    }

    @Test("A ?max_age failure sends to /auth/confirm with the URL as next")
    func confirm() throws {
        let pipeline = try Pipeline(["PUBLIC_URL": "http://localhost:8080", "REDIRECT_HOSTS": "*.example.com"])
        let token = pipeline.sessions.signIn("ann", authenticatedAgo: 900)
        let response = pipeline.send("GET", "/auth/check?max_age=600", session: token, headers: ["x-original-url": Self.original])
        #expect(response.status == .unauthorized)
        #expect(response.location == "http://localhost:8080/auth/confirm?next=" + Self.encoded)
    }

    @Test("No Location without PUBLIC_URL, without the header, or for an overlong or control-character URL")
    func noLocation() throws {
        let without = try Pipeline()
        #expect(without.send("GET", "/auth/check", headers: ["x-original-url": Self.original]).location == nil)
        let pipeline = try Pipeline(["PUBLIC_URL": "https://auth.example.com"])
        #expect(pipeline.send("GET", "/auth/check").location == nil)
        let refused = ["", "https://app.example.com/\r\nSet-Cookie: a=b", "https://app.example.com/\u{0}", "https://app.example.com/\t",
                       "https://app.example.com/\u{7F}", "https://app.example.com/" + String(repeating: "a", count: 2100)]
        for header in refused {
            let response = pipeline.send("GET", "/auth/check", headers: ["x-original-url": header])
            #expect(response.status == .unauthorized)
            #expect(response.location == nil, "\(header.prefix(40).debugDescription)")
        }
        let longest = "https://app.example.com/" + String(repeating: "a", count: 2048 - 24)
        #expect(pipeline.send("GET", "/auth/check", headers: ["x-original-url": longest]).location != nil)
    }

    @Test("A query with several & parameters comes back whole as next, for a wildcard host on any port")
    func wholeQuery() throws {
        let pipeline = try Pipeline(["PUBLIC_URL": "https://auth.example.com", "REDIRECT_HOSTS": "*.example.com"])
        let original = "https://app.example.com:8443/search?q=a%26b&page=2&sort=name&dir=asc"
        let location = try #require(pipeline.send("GET", "/auth/check", headers: ["x-original-url": original]).location)
        let prefix = "https://auth.example.com/auth?next="
        #expect(location.hasPrefix(prefix))
        let query = try #require(FormFields(urlEncoded: Array(location.dropFirst(prefix.count - 5).utf8)))
        #expect(query["next"] == original)
    }

    @Test("A URL of a host REDIRECT_HOSTS does not name rides along as next, and the sign-in page turns it into /")
    func foreignHost() throws {
        let pipeline = try Pipeline(["PUBLIC_URL": "https://auth.example.com", "REDIRECT_HOSTS": "*.example.com"])
        for original in ["https://evil.example/", "https://example.com.evil.example/x", "http://app.example.com/",
                         "https://user@app.example.com/", "javascript:alert(1)", "https://APP.example.com/"] {
            let response = pipeline.send("GET", "/auth/check", headers: ["x-original-url": original])
            #expect(response.status == .unauthorized)
            let location = try #require(response.location, "\(original)")
            #expect(location == "https://auth.example.com/auth?next=" + PercentEncoding.queryValue(original))
            // Following it: the sign-in form's hidden next is the safe "/".
            let page = pipeline.send("GET", String(location.dropFirst("https://auth.example.com".count)))
            #expect(page.text.contains(#"name="next" value="/""#), "\(original)")
        }
    }
}
