import Foundation
import Synchronization
@testable import Gatehouse
import Testing
import TestSupport

/// Scope changes against what an adopted `users.scope` may hold, and under concurrency:
/// through the store, the CLI and `/admin`.
@Suite("Scope changes", .serialized)
struct ScopeChangeTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness()
        try harness.addUser("boss", scopes: ["admin"])
        try harness.addUser("eve")
    }

    /// The stored jsonb of `name`, as PostgreSQL prints it.
    func stored(_ name: String) throws -> String? {
        try harness.scalar("SELECT scope::text FROM users WHERE username = $1", [name])
    }

    /// Whether PostgreSQL itself sees `scope` among `name`'s array elements.
    func holds(_ name: String, _ scope: String) throws -> Bool {
        try harness.scalar("SELECT scope ? $2 FROM users WHERE username = $1", [name, scope]) == "t"
    }

    /// Runs `gatehouse ARGS` against the harness's database.
    static func gatehouse(_ arguments: [String], conninfo: String) throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_ENV_FILE"] = "/dev/null"
        environment["DATABASE_URL"] = conninfo
        environment["SECRET_KEY"] = "cli-test-secret-key-0123456789abcdef-01"
        return try ChildProcess.run(try TestEnvironment.binary(), arguments, environment: environment, inputBytes: [])
    }

    @Test("An adopted scope holding quotes stays one name through CLI and /admin changes; eve never gains super",
          arguments: ["cli", "admin"])
    func hostileStoredScope(via: String) throws {
        _ = try harness.connection.query(#"UPDATE users SET scope = '["authenticated", "x\",\"super"]' WHERE username = 'eve'"#)
        #expect(try !holds("eve", "super"))
        if via == "cli" {
            let added = try Self.gatehouse(["user", "scope", "eve", "+reader"], conninfo: harness.database.conninfo)
            #expect(added.status == 0, "\(added.errors)")
            #expect(try Self.gatehouse(["user", "scope", "eve", "-authenticated", "+writer"], conninfo: harness.database.conninfo).status == 0)
        } else {
            var boss = harness.browser()
            boss.login("boss")
            #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", "reader"), ("action", "add")]).status == .seeOther)
            #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", "authenticated"), ("action", "remove")]).status == .seeOther)
            #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", "writer"), ("action", "add")]).status == .seeOther)
        }
        #expect(try !holds("eve", "super"))
        #expect(try holds("eve", "x\",\"super"))
        #expect(try stored("eve") == #"["x\",\"super", "reader", "writer"]"#)
        #expect(try UserStore(database: harness.connection).find(username: "eve")?.has("super") == false)
        var eve = harness.browser()
        #expect(eve.login("eve").status == .seeOther)
        #expect(eve.get("/super").status == .forbidden)
    }

    @Test("An adopted name that is no valid scope can be removed, through the CLI and /admin", arguments: ["cli", "admin"])
    func removeHostileName(via: String) throws {
        let hostile = "x\",\"super"
        _ = try harness.connection.query(#"UPDATE users SET scope = '["authenticated", "x\",\"super"]' WHERE username = 'eve'"#)
        if via == "cli" {
            let removed = try Self.gatehouse(["user", "scope", "eve", "-" + hostile], conninfo: harness.database.conninfo)
            #expect(removed.status == 0, "\(removed.errors)")
            // Adding it stays refused.
            #expect(try Self.gatehouse(["user", "scope", "eve", "+" + hostile], conninfo: harness.database.conninfo).status == 2)
        } else {
            var boss = harness.browser()
            boss.login("boss")
            // The page offers its removal.
            let listing = boss.get("/admin?q=eve")
            #expect(listing.text.contains(#"name="scope" value="x&quot;,&quot;super""#), "\(listing.text)")
            #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", hostile), ("action", "remove")]).status == .seeOther)
            #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", hostile), ("action", "add")]).status == .badRequest)
        }
        #expect(try stored("eve") == #"["authenticated"]"#)
    }

    @Test("A scope column that is not an array is no scopes: a change starts from an empty list", arguments: [
        #"{"super": true, "admin": 1}"#, #""super""#, "null", "42",
    ])
    func notAnArray(json: String) throws {
        _ = try harness.connection.query("UPDATE users SET scope = $1::jsonb WHERE username = 'eve'", [json])
        let store = UserStore(database: harness.connection)
        #expect(try store.changeScopes(username: "eve", add: ["reader"], remove: []) == ["reader"])
        #expect(try stored("eve") == #"["reader"]"#)
        _ = try harness.connection.query("UPDATE users SET scope = $1::jsonb WHERE username = 'eve'", [json])
        #expect(try store.changeScopes(username: "eve", add: [], remove: ["super"]).isEmpty)
        #expect(try stored("eve") == "[]")
    }

    @Test("Arrays with other elements keep them; each scope is held once; +S -S leaves S held")
    func mixedArrays() throws {
        _ = try harness.connection.query(#"UPDATE users SET scope = '[1, "a", {"b": 2}, "a"]' WHERE username = 'eve'"#)
        let store = UserStore(database: harness.connection)
        #expect(try store.changeScopes(username: "eve", add: ["a", "c", "c"], remove: []) == ["a", "a", "c"])
        #expect(try store.changeScopes(username: "eve", add: ["a"], remove: ["a"]) == ["c", "a"])
        #expect(try stored("eve") == #"[1, {"b": 2}, "c", "a"]"#)
    }

    @Test("Bad scope names to add: the CLI says why (usage, exit 2), /admin answers 400; nothing changes", arguments: [
        "x\",\"super", "has space", "", String(repeating: "s", count: 65), "ünï", "a,b",
    ])
    func badNames(scope: String) throws {
        let before = try stored("eve")
        let cli = try Self.gatehouse(["user", "scope", "eve", "+reader", "+" + scope], conninfo: harness.database.conninfo)
        #expect(cli.status == 2)
        #expect(cli.errors.contains("invalid scope"))
        var boss = harness.browser()
        boss.login("boss")
        let answer = boss.post("/admin/users/scope", [("username", "eve"), ("scope", scope), ("action", "add")])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("A scope is 1 to 64 letters"))
        #expect(try stored("eve") == before)
    }

    @Test("Names no stored scope can have are refused for removal too; nothing changes", arguments: [
        "", "a\u{01}b", String(repeating: "s", count: 257),
    ])
    func badRemovals(scope: String) throws {
        let before = try stored("eve")
        let cli = try Self.gatehouse(["user", "scope", "eve", "+reader", "-" + scope], conninfo: harness.database.conninfo)
        #expect(cli.status == 2)
        #expect(cli.errors.contains("invalid scope"))
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.post("/admin/users/scope", [("username", "eve"), ("scope", scope), ("action", "remove")]).status == .badRequest)
        #expect(try stored("eve") == before)
    }

    @Test("/auth/check never lists a stored name that splits into super", arguments: ["x,super", "x super", "x\",\"super"])
    func gateHeaders(scope: String) throws {
        _ = try harness.connection.query("UPDATE users SET scope = jsonb_build_array('authenticated', $1::text) WHERE username = 'eve'", [scope])
        var eve = harness.browser()
        #expect(eve.login("eve").status == .seeOther)
        let check = eve.get("/auth/check")
        #expect(check.status == .noContent)
        #expect(check.header("X-Auth-Scope") == "authenticated")
        for name in ["Remote-Groups", "X-Auth-Request-Groups"] {
            #expect(check.header(name) == "authenticated")
        }
        #expect(eve.get("/auth/check?scope=super").status == .forbidden)
    }

    @Test("64 concurrent +scope changes to one user, through the store, the CLI and /admin, all survive")
    func concurrentChanges() throws {
        let conninfo = harness.database.conninfo
        // Each change gets a thread of its own (blocking work: the task pool would run two
        // at a time); each prepares (connects, signs in), then all start together.
        var changes: [@Sendable () throws -> (() throws -> Bool)] = []
        for index in 0..<32 {
            changes.append {
                let store = UserStore(database: DatabaseConnection(conninfo: conninfo))
                return { try store.changeScopes(username: "eve", add: ["store.\(index)"], remove: []).contains("store.\(index)") }
            }
        }
        for index in 0..<16 {
            changes.append {
                { try Self.gatehouse(["user", "scope", "eve", "+cli.\(index)"], conninfo: conninfo).status == 0 }
            }
        }
        for index in 0..<16 {
            changes.append {
                let instance = try AppHarness(joining: conninfo)
                var boss = instance.browser()
                // Sixteen sign-ins at once fill the process's hashing pool: the ones it
                // refuses (503, Retry-After) sign in again.
                var signedIn = boss.login("boss")
                while signedIn.status == .serviceUnavailable { signedIn = boss.login("boss") }
                guard signedIn.status == .seeOther else { throw ClientError("boss could not sign in: \(signedIn.status)") }
                return {
                    let answer = boss.post("/admin/users/scope", [("username", "eve"), ("scope", "admin.\(index)"), ("action", "add")])
                    return answer.status == .seeOther && answer.header("Location")?.hasPrefix("/admin") == true
                }
            }
        }
        let failures = Mutex<[String]>([])
        let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        for (index, prepare) in changes.enumerated() {
            Thread {
                defer { done.signal() }
                var change: (() throws -> Bool)?
                do { change = try prepare() } catch { failures.withLock { $0.append("prepare \(index): \(error)") } }
                ready.signal()
                go.wait()
                do {
                    if let change, try !change() { failures.withLock { $0.append("change \(index) refused") } }
                } catch {
                    failures.withLock { $0.append("change \(index): \(error)") }
                }
            }.start()
        }
        for _ in changes { ready.wait() }
        for _ in changes { go.signal() }
        for _ in changes { done.wait() }
        #expect(failures.withLock { $0 }.isEmpty)
        let expected = ["authenticated"] + (0..<32).map { "store.\($0)" } + (0..<16).map { "cli.\($0)" } + (0..<16).map { "admin.\($0)" }
        let scopes = try #require(try UserStore(database: harness.connection).find(username: "eve")).scopes
        #expect(Set(scopes) == Set(expected), "lost: \(Set(expected).subtracting(scopes).sorted())")
        #expect(scopes.count == expected.count)
    }
}
