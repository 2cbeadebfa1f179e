@testable import Gatehouse
import Testing

/// COOKIE_DOMAIN and REDIRECT_HOSTS: accepted spellings, and every value start-up refuses
/// (exit 78 naming the key, through `ConfigurationError`).
@Suite("Configuration: COOKIE_DOMAIN and REDIRECT_HOSTS")
struct DomainSignInConfigTests {
    static func load(_ settings: [String: String]) throws -> Configuration {
        var environment = ["SECRET_KEY": ConfigFixtures.secret]
        environment.merge(settings) { $1 }
        return try ConfigFixtures.load(environment)
    }

    @Test("COOKIE_DOMAIN: PUBLIC_URL's host or a parent on a label boundary, lower-cased, leading dot dropped")
    func cookieDomainAccepted() throws {
        let cases = [("gatehouse.test", "gatehouse.test"), ("a.b.gatehouse.test", "a.b.gatehouse.test"),
                     (".gatehouse.test", "gatehouse.test"), ("GateHouse.Test", "gatehouse.test"), ("b.gatehouse.test", "b.gatehouse.test")]
        for (text, domain) in cases {
            let configuration = try Self.load(["PUBLIC_URL": "https://a.b.gatehouse.test", "COOKIE_DOMAIN": text])
            #expect(configuration.cookieDomain == domain, "\(text)")
        }
        #expect(try Self.load(["PUBLIC_URL": "http://127.0.0.1:8080", "COOKIE_DOMAIN": "127.0.0.1"]).cookieDomain == "127.0.0.1")
        #expect(try Self.load([:]).cookieDomain == nil)
        let shown = try Self.load(["PUBLIC_URL": "https://auth.gatehouse.test", "COOKIE_DOMAIN": "gatehouse.test"]).redactedDescription()
        #expect(shown.contains("\nCOOKIE_DOMAIN=gatehouse.test"))
    }

    @Test("COOKIE_DOMAIN refused: without PUBLIC_URL, not covering its host, malformed, a TLD, an address part, __Host-")
    func cookieDomainRefused() {
        let publicURL = "https://auth.gatehouse.test"
        let refused: [[String: String]] = [
            ["COOKIE_DOMAIN": "gatehouse.test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "evil.example"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "house.test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "app.gatehouse.test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehouse.test.evil.example"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehouse.test."],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "*.gatehouse.test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehouse.test:443"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehouse.test; Path=/"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "..gatehouse.test"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehousе.test"],
            ["PUBLIC_URL": "http://127.0.0.1:8080", "COOKIE_DOMAIN": "0.0.1"],
            ["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "gatehouse.test", "SESSION_COOKIE_NAME": "__Host-session", "COOKIE_SECURE": "true"],
        ]
        for settings in refused {
            #expect(ConfigFixtures.error(settings)?.key == "COOKIE_DOMAIN", "\(settings)")
        }
        let error = ConfigFixtures.error(["PUBLIC_URL": publicURL, "COOKIE_DOMAIN": "evil.example"])
        #expect(error?.description.contains("auth.gatehouse.test") == true)
        #expect(ConfigurationError.exitCode == 78)
    }

    @Test("REDIRECT_HOSTS: names and *. patterns, space or comma separated, lower-cased")
    func redirectHostsAccepted() throws {
        let configuration = try Self.load(["PUBLIC_URL": "https://auth.gatehouse.test",
                                           "REDIRECT_HOSTS": "App.Gatehouse.Test, *.example.org  wiki.example.com"])
        #expect(configuration.redirectHosts == ["app.gatehouse.test", "*.example.org", "wiki.example.com"])
        #expect(configuration.redactedDescription().contains("\nREDIRECT_HOSTS=\"app.gatehouse.test *.example.org wiki.example.com\""))
        #expect(try Self.load([:]).redirectHosts.isEmpty)
    }

    @Test("REDIRECT_HOSTS refused: without PUBLIC_URL, with a scheme, port, path or user info, too broad, malformed")
    func redirectHostsRefused() {
        #expect(ConfigFixtures.error(["REDIRECT_HOSTS": "app.gatehouse.test"])?.key == "REDIRECT_HOSTS")
        for entry in ["https://app.gatehouse.test", "app.gatehouse.test:8443", "app.gatehouse.test/", "user@app.gatehouse.test",
                      "*", "*.test", "*.*.gatehouse.test", "app.*.test", "**.gatehouse.test", "app.gatehouse.test.", "*gatehouse.test",
                      "аpp.gatehouse.test", "app_1.gatehouse.test", ".gatehouse.test", "[::1]"] {
            #expect(ConfigFixtures.error(["PUBLIC_URL": "https://auth.gatehouse.test", "REDIRECT_HOSTS": entry])?.key == "REDIRECT_HOSTS",
                    "\(entry)")
        }
    }
}
