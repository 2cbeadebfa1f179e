@testable import Gatehouse
import Testing

/// Absolute `next` URLs under REDIRECT_HOSTS: what an attacker might send the sign-in page
/// (or plant in a link) to bounce a freshly signed-in browser to a site of their own.
@Suite("Safe next: absolute URLs and REDIRECT_HOSTS")
struct RedirectHostsTests {
    /// PUBLIC_URL https://auth.gatehouse.test, REDIRECT_HOSTS `*.gatehouse.test wiki.example.org`.
    static func hosts(publicURL: String = "https://auth.gatehouse.test") throws -> RedirectHosts {
        RedirectHosts(try ConfigFixtures.load([
            "SECRET_KEY": ConfigFixtures.secret, "PUBLIC_URL": publicURL,
            "REDIRECT_HOSTS": "*.gatehouse.test, wiki.example.org",
        ]))
    }

    @Test("Allowed hosts, any port, path, query and fragment are kept whole", arguments: [
        "https://app.gatehouse.test/", "https://app.gatehouse.test", "https://a.b.gatehouse.test/x/y?q=1&r=2&s=3#frag",
        "https://app.gatehouse.test:8443/docs?x=%2F", "https://wiki.example.org/page", "https://auth.gatehouse.test/account",
        "https://app.gatehouse.test?x=1", "https://app.gatehouse.test#top", "https://app.gatehouse.test/a@b.evil.example",
    ])
    func allowed(url: String) throws {
        #expect(SafeRedirect.target(url, allowing: try Self.hosts()) == url)
    }

    @Test("Hostile or foreign absolute targets become /", arguments: [
        // Other domains and look-alike suffixes: whole labels only.
        "https://evil.example/", "https://gatehouse.test.evil.example/", "https://evilgatehouse.test/",
        "https://app.gatehouse.test.evil.example/", "https://gatehouse.test/", "https://example.org/",
        "https://evil-wiki.example.org/", "https://wiki.example.org.evil.example/",
        // User info, in every spelling.
        "https://evil.example@app.gatehouse.test/", "https://app.gatehouse.test@evil.example/", "https://u:p@app.gatehouse.test/",
        "https://app.gatehouse.test%40evil.example/",
        // Schemes and scheme tricks.
        "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "http://app.gatehouse.test/", "ftp://app.gatehouse.test/",
        "https:app.gatehouse.test", "https:/app.gatehouse.test", "https:///app.gatehouse.test", "//app.gatehouse.test/",
        "HTTPS://app.gatehouse.test/", "Https://app.gatehouse.test/", "javascript://app.gatehouse.test/%0aalert(1)",
        // Controls a browser would strip (the decoded form of %0d%0a, %09), and backslashes.
        "https://app.gatehouse.test/\r\nSet-Cookie: x=y", "https://app.gatehouse\t.test/", "https://evil.example\n.gatehouse.test/",
        "https://evil.example\\.gatehouse.test/", "https://app.gatehouse.test\\@evil.example/", "https://app.gatehouse.test/\\evil",
        "\thttps://app.gatehouse.test/", " https://app.gatehouse.test/", "https://app.gatehouse.test/\u{7F}",
        // Escapes, case, dots and IDN look-alikes in the host.
        "https://app%2egatehouse.test/", "https://evil.example%2f.gatehouse.test/", "https://APP.gatehouse.test/",
        "https://app.GATEHOUSE.TEST/", "https://app.gatehouse.test./", "https://app..gatehouse.test/", "https://.gatehouse.test/",
        "https://аpp.gatehouse.test/", "https://app.gatehouѕe.test/", "https://xn--pp-8cd.gatehouse.test/",
        "https://app.gatehouse.test\u{3002}/", "https://app.gatehouse.test\u{FF0E}evil.example/",
        // Ports: only digits, 1 to 65535.
        "https://app.gatehouse.test:/", "https://app.gatehouse.test:0/", "https://app.gatehouse.test:65536/",
        "https://app.gatehouse.test:8443:1/", "https://app.gatehouse.test:+443/", "https://app.gatehouse.test:123456/",
        // IP addresses and brackets are never listed here.
        "https://127.0.0.1/", "https://[::1]/", "https://2130706433/",
    ])
    func hostile(url: String) throws {
        #expect(SafeRedirect.target(url, allowing: try Self.hosts()) == "/", "\(url.debugDescription)")
    }

    @Test("Local paths keep the old rule under any policy")
    func localPaths() throws {
        let hosts = try Self.hosts()
        for path in ["/", "/admin?x=1&y=2", "/a b"] { #expect(SafeRedirect.target(path, allowing: hosts) == path) }
        for path in ["//evil.example", "/\\evil.example", "/\t/evil", "", "evil"] { #expect(SafeRedirect.target(path, allowing: hosts) == "/") }
    }

    @Test("http:// targets only when PUBLIC_URL itself is http://")
    func plainHTTP() throws {
        let plain = try Self.hosts(publicURL: "http://auth.gatehouse.test:8080")
        #expect(SafeRedirect.target("http://app.gatehouse.test:8080/x?a=1&b=2", allowing: plain) == "http://app.gatehouse.test:8080/x?a=1&b=2")
        #expect(SafeRedirect.target("https://app.gatehouse.test/", allowing: plain) == "https://app.gatehouse.test/")
        #expect(SafeRedirect.target("http://evil.example:8080/", allowing: plain) == "/")
        #expect(SafeRedirect.target("http://app.gatehouse.test/", allowing: try Self.hosts()) == "/")
    }

    @Test("Without PUBLIC_URL or REDIRECT_HOSTS, no absolute URL passes; PUBLIC_URL's own host does")
    func nothingListed() throws {
        #expect(SafeRedirect.target("https://app.gatehouse.test/", allowing: .none) == "/")
        let own = RedirectHosts(try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret, "PUBLIC_URL": "https://auth.gatehouse.test"]))
        #expect(SafeRedirect.target("https://auth.gatehouse.test/account", allowing: own) == "https://auth.gatehouse.test/account")
        #expect(SafeRedirect.target("https://app.gatehouse.test/", allowing: own) == "/")
    }

    @Test("A pattern never matches its own domain; list it to allow it")
    func apex() throws {
        let hosts = RedirectHosts(exact: [], suffixes: [".gatehouse.test"], allowsHTTP: false)
        #expect(!hosts.allows("gatehouse.test"))
        #expect(hosts.allows("app.gatehouse.test"))
        #expect(!hosts.allows("appgatehouse.test"))
    }
}
