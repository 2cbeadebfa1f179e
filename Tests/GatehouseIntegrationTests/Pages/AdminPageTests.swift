@testable import Gatehouse
import Testing

@Suite("Admin page", .serialized)
struct AdminPageTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness()
        try harness.addUser("plain")
        try harness.addUser("boss", scopes: ["admin"])
        try harness.addUser("root", scopes: ["super"])
    }

    func scopes(_ name: String) throws -> [String] {
        try UserStore(database: harness.connection).find(username: name)?.scopes ?? []
    }

    @Test("Lists users and scopes for admin and super")
    func listing() {
        var boss = harness.browser()
        boss.login("boss")
        let page = boss.get("/admin")
        #expect(page.status == .ok)
        for name in ["plain", "boss", "root"] { #expect(page.text.contains(name)) }
    }

    @Test("A plain user gets 403 on every admin page and action, POST included, and nothing changes", arguments: [
        ("/admin/users/scope", [("username", "plain"), ("scope", "admin"), ("action", "add")]),
        ("/admin/users/revoke", [("username", "boss")]),
    ])
    func plainForbidden(path: String, fields: [(String, String)]) throws {
        var boss = harness.browser()
        boss.login("boss")
        var plain = harness.browser()
        plain.login("plain")
        #expect(plain.get("/admin").status == .forbidden)
        #expect(plain.post(path, fields).status == .forbidden)
        #expect(try scopes("plain") == ["authenticated"])
        #expect(boss.get("/").status == .ok)
    }

    @Test("Add and remove scopes; the change applies on the user's next request")
    func scopeChanges() throws {
        var plain = harness.browser()
        plain.login("plain")
        #expect(plain.get("/admin").status == .forbidden)
        var boss = harness.browser()
        boss.login("boss")
        let added = boss.post("/admin/users/scope", [("username", "plain"), ("scope", "admin"), ("action", "add")])
        #expect(added.status == .seeOther)
        #expect(added.header("Location") == "/admin?flash=scope-added")
        #expect(plain.get("/admin").status == .ok)
        #expect(boss.post("/admin/users/scope", [("username", "plain"), ("scope", "admin"), ("action", "remove")]).status == .seeOther)
        #expect(plain.get("/admin").status == .forbidden)
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'scope_changed'") == "2")
    }

    @Test("Only super may grant or remove super")
    func superOnly() throws {
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.post("/admin/users/scope", [("username", "plain"), ("scope", "super"), ("action", "add")]).status == .forbidden)
        #expect(boss.post("/admin/users/scope", [("username", "root"), ("scope", "super"), ("action", "remove")]).status == .forbidden)
        #expect(try scopes("plain") == ["authenticated"])
        #expect(try scopes("root").contains("super"))
        var root = harness.browser()
        root.login("root")
        #expect(root.post("/admin/users/scope", [("username", "plain"), ("scope", "super"), ("action", "add")]).status == .seeOther)
        #expect(try scopes("plain").contains("super"))
    }

    @Test("Bad scope names, actions and users are refused")
    func badInput() throws {
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.post("/admin/users/scope", [("username", "plain"), ("scope", "has space"), ("action", "add")]).status == .badRequest)
        #expect(boss.post("/admin/users/scope", [("username", "plain"), ("scope", "x"), ("action", "grant")]).status == .badRequest)
        #expect(boss.post("/admin/users/scope", [("username", "ghost"), ("scope", "x"), ("action", "add")]).status == .notFound)
        #expect(boss.post("/admin/users/scope", [("username", "plain"), ("scope", "x"), ("action", "add")], csrf: "forged").status == .forbidden)
        #expect(try scopes("plain") == ["authenticated"])
    }

    @Test("End a user's sessions")
    func endSessions() {
        var plain = harness.browser()
        plain.login("plain")
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.post("/admin/users/revoke", [("username", "plain")]).status == .seeOther)
        #expect(plain.get("/").status == .seeOther)
        #expect(boss.get("/").status == .ok)
    }
}
