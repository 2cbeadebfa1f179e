import Foundation
@testable import Gatehouse
import Testing

/// `/admin` with many users: pages of 50 by username, a prefix search, hostile `q`/`after`.
@Suite("Admin page: search and pages", .serialized)
struct AdminListingTests {
    let harness: AppHarness

    /// `boss` (admin) and `user001`…`user120`; every tenth a Lovelace, the rest Hoppers.
    init() throws {
        harness = try AppHarness()
        try harness.addUser("boss", scopes: ["admin"])
        _ = try harness.connection.query("""
            INSERT INTO users (username, first_name, last_name, scope, info)
            SELECT 'user' || lpad(i::text, 3, '0'), 'First' || lpad(i::text, 3, '0'),
                   CASE WHEN i % 10 = 0 THEN 'Lovelace' ELSE 'Hopper' END, '["authenticated"]', '{}'
            FROM generate_series(1, 120) AS i
            """)
    }

    /// The usernames listed on `page`, in order.
    static func usernames(_ page: Response) -> [String] {
        guard let start = page.text.range(of: "<tbody>"), let end = page.text.range(of: "</tbody>") else { return [] }
        return page.text[start.upperBound..<end.lowerBound].split(separator: "<strong>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    /// The `href` of the link marked `rel="…"`, as it stands in the HTML.
    static func link(_ page: Response, rel: String) -> String? {
        for piece in page.text.split(separator: "<a ") where piece.contains("rel=\"\(rel)\"") {
            guard let start = piece.range(of: "href=\"") else { continue }
            return String(piece[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
        }
        return nil
    }

    static func names(_ range: ClosedRange<Int>) -> [String] {
        range.map { "user" + String(repeating: "0", count: 3 - String($0).count) + String($0) }
    }

    func signedIn() -> Browser {
        var boss = harness.browser()
        boss.login("boss")
        return boss
    }

    @Test("121 users: page 1 shows 50 and a next link, page 3 the last 21; previous links walk back")
    func pages() throws {
        var boss = signedIn()
        let first = boss.get("/admin")
        #expect(first.status == .ok)
        #expect(Self.usernames(first) == ["boss"] + Self.names(1...49))
        #expect(Self.link(first, rel: "prev") == nil)
        let toSecond = try #require(Self.link(first, rel: "next"))
        #expect(toSecond == "/admin?after=user049")

        let second = boss.get(toSecond)
        #expect(Self.usernames(second) == Self.names(50...99))
        let toThird = try #require(Self.link(second, rel: "next"))
        let third = boss.get(toThird)
        #expect(third.status == .ok)
        #expect(Self.usernames(third) == Self.names(100...120))
        #expect(Self.link(third, rel: "next") == nil)

        let back = boss.get(try #require(Self.link(third, rel: "prev")))
        #expect(Self.usernames(back) == Self.names(50...99))
        let start = boss.get(try #require(Self.link(back, rel: "prev")))
        #expect(Self.usernames(start) == ["boss"] + Self.names(1...49))
        #expect(Self.link(start, rel: "prev") == nil)
        #expect(Self.link(start, rel: "next") == "/admin?after=user049")

        // Past the end: an empty page that leads back.
        let beyond = boss.get("/admin?after=zzz")
        #expect(beyond.status == .ok)
        #expect(Self.usernames(beyond).isEmpty)
        #expect(Self.link(beyond, rel: "prev") == "/admin?before=zzz")
    }

    @Test("Search by username, first name, full name or last name prefix, any case; results page too", arguments: [
        ("user11", AdminListingTests.names(110...119)),
        ("USER12", AdminListingTests.names(120...120)),
        ("love", (1...12).map { AdminListingTests.names(($0 * 10)...($0 * 10)) }.flatMap { $0 }),
        ("first00", AdminListingTests.names(1...9)),
        ("First010 Love", AdminListingTests.names(10...10)),
        ("  hopper  ", Array((AdminListingTests.names(1...59).filter { !$0.hasSuffix("0") }).prefix(50))),
        ("nobody", []),
    ])
    func search(query: String, expected: [String]) {
        var boss = signedIn()
        let page = boss.get("/admin?q=" + HTTPClient.encode(query))
        #expect(page.status == .ok)
        #expect(Self.usernames(page) == expected)
        if query == "nobody" { #expect(page.text.contains("No user matches “nobody”")) }
    }

    @Test("A search's next link keeps the search")
    func searchPages() throws {
        var boss = signedIn()
        let first = boss.get("/admin?q=user")
        #expect(Self.usernames(first) == Self.names(1...50))
        let next = try #require(Self.link(first, rel: "next"))
        #expect(next == "/admin?q=user&after=user050")
        let last = boss.get("/admin?q=user&after=user100")
        #expect(Self.usernames(last) == Self.names(101...120))
        #expect(last.text.contains(#"value="user""#))
    }

    @Test("LIKE wildcards, quotes and markup in q mean themselves", arguments: [
        ("%", [String]()), ("_", []), ("user_0", []), ("a_b", ["a_b"]), ("user\\", []), ("o'hara", ["o&#39;hara"]),
        ("\"", []), ("<script>", []), ("'; DROP TABLE users; --", []),
    ])
    func hostileSearch(query: String, expected: [String]) throws {
        try harness.addUser("a_b")
        try harness.addUser("axb")
        _ = try harness.connection.query("INSERT INTO users (username, scope, info) VALUES ('o''hara', '[]', '{}')")
        var boss = signedIn()
        let page = boss.get("/admin?q=" + HTTPClient.encode(query))
        #expect(page.status == .ok)
        #expect(Self.usernames(page) == expected)
        #expect(!page.text.contains("<script>"))
        #expect(try harness.scalar("SELECT count(*) FROM users") == "124")
    }

    @Test("Unusable q, after or before: 400 and a clear message", arguments: [
        ("q=" + String(repeating: "a", count: 101), "at most 100 characters"),
        ("after=" + String(repeating: "b", count: 21), "at most 20 characters"),
        ("before=" + String(repeating: "%C3%A9", count: 21), "at most 20 characters"),
        ("after=a&before=b", "not both"),
        ("q=%FF", "invalid characters"),
        ("after=%00", "invalid characters"),
        ("q=%E", "broken"),
    ])
    func refused(query: String, message: String) {
        var boss = signedIn()
        let page = boss.get("/admin?" + query)
        #expect(page.status == .badRequest)
        #expect(page.text.contains(message))
    }

    @Test("Odd but usable positions are just positions", arguments: ["o'hara", "\"<b>", "%", "ünïcødé", "a b"])
    func oddPositions(position: String) {
        var boss = signedIn()
        #expect(boss.get("/admin?after=" + HTTPClient.encode(position)).status == .ok)
        #expect(boss.get("/admin?before=" + HTTPClient.encode(position)).status == .ok)
        #expect(boss.get("/admin?q=" + HTTPClient.encode(String(repeating: "ü", count: 100))).status == .ok)
    }

    @Test("A user without admin gets 403 whatever the query")
    func guardFirst() {
        _ = try? harness.addUser("plain")
        var plain = harness.browser()
        plain.login("plain")
        #expect(plain.get("/admin?q=" + String(repeating: "a", count: 500)).status == .forbidden)
    }

    @Test("Live-session counts are right for the users shown")
    func sessionCounts() throws {
        for name in ["user002", "user005", "user003", "user060"] {
            _ = try harness.connection.query("UPDATE users SET p_hash = (SELECT p_hash FROM users WHERE username = 'boss'), "
                + "p_salt = (SELECT p_salt FROM users WHERE username = 'boss'), "
                + "p_iterations = (SELECT p_iterations FROM users WHERE username = 'boss') WHERE username = $1", [name])
        }
        for name in ["user002", "user005", "user005", "user003", "user060", "user060", "user060"] {
            var browser = harness.browser()
            #expect(browser.login(name).status == .seeOther)
        }
        _ = try harness.connection.query("""
            UPDATE session SET expires_at = now() - interval '1 second'
            WHERE "user" = (SELECT id FROM users WHERE username = 'user003')
            """)
        var boss = signedIn()
        func row(_ page: Response, _ name: String) -> String {
            page.text.split(separator: "<tr>").dropFirst(2).first { $0.contains("<strong>\(name)</strong>") }.map(String.init) ?? ""
        }
        let first = boss.get("/admin")
        #expect(row(first, "boss").contains("End 1 session(s)"))
        #expect(row(first, "user002").contains("End 1 session(s)"))
        #expect(row(first, "user005").contains("End 2 session(s)"))
        #expect(row(first, "user003").contains("not signed in"))
        #expect(row(first, "user004").contains("not signed in"))
        let second = boss.get("/admin?after=user049")
        #expect(row(second, "user060").contains("End 3 session(s)"))
        #expect(row(second, "user061").contains("not signed in"))
    }

    @Test("A change made on a page returns to that page")
    func changeReturns() {
        var boss = signedIn()
        let page = boss.get("/admin?q=user&after=user049")
        #expect(page.text.contains(#"<input type="hidden" name="after" value="user049">"#))
        let added = boss.post("/admin/users/scope", [("username", "user060"), ("scope", "reader"), ("action", "add"),
                                                      ("q", "user"), ("after", "user049")])
        #expect(added.status == .seeOther)
        #expect(added.header("Location") == "/admin?flash=scope-added&q=user&after=user049")
        let bad = boss.post("/admin/users/scope", [("username", "user060"), ("scope", "bad name"), ("action", "add"),
                                                    ("after", "user049")])
        #expect(bad.status == .badRequest)
        #expect(Self.usernames(bad) == Self.names(50...99))
        let revoked = boss.post("/admin/users/revoke", [("username", "user060"), ("after", String(repeating: "x", count: 99))])
        #expect(revoked.header("Location") == "/admin?flash=sessions-ended")
    }
}
