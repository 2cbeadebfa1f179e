import Foundation
import Gatehouse
import Synchronization
import Testing
import TestSupport

/// The per-process session cache (SESSION_CACHE_TTL on, the default) behind real nginx,
/// with several worker processes: revocation reaches every worker before the answer that
/// made it is sent, and other instances and the CLI within 100 ms.
@Suite("End to end: session cache", .serialized)
struct SessionCacheTests {
    static let password = "ann password 123"

    static func stack(_ database: TestDatabase? = nil, _ settings: [String: String] = [:]) throws -> Stack {
        let stack = try Stack(database: database, settings: ["WORKER_PROCESSES": "3", "WORKERS": "4"].merging(settings) { $1 })
        return stack
    }

    /// `/auth/check`'s status for `cookie` (with `query`), `count` times at once, on
    /// connections of their own: spread over the instance's workers.
    static func checks(_ port: Int, _ cookie: String, query: String = "", count: Int = 8) -> [Int] {
        let statuses = Mutex([Int]())
        DispatchQueue.concurrentPerform(iterations: count) { _ in
            let status = (try? HTTPClient(port: port).send("GET", "/auth/check" + query, headers: ["Cookie": "session=\(cookie)"]).status) ?? 0
            statuses.withLock { $0.append(status) }
        }
        return statuses.withLock { $0 }
    }

    static func metric(_ stack: Stack, _ name: String) throws -> Int {
        let text = try stack.client.send("GET", "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Int($0.split(separator: " ")[1]) } ?? -1
    }

    /// Polls `/auth/check` until it answers `status`; the seconds that took.
    static func secondsUntil(_ status: Int, _ client: HTTPClient, _ cookie: String, query: String = "") throws -> Double {
        let started = Date()
        while try client.send("GET", "/auth/check" + query, headers: ["Cookie": "session=\(cookie)"]).status != status {
            guard Date().timeIntervalSince(started) < 5 else { return 5 }
        }
        return Date().timeIntervalSince(started)
    }

    @Test("Revoked and scope removed through the CLI, and signed out on another instance: refused within 100 ms")
    func otherWritersWithin100ms() throws {
        let stack = try Self.stack()
        let other = try Self.stack(stack.database)
        try SignIn.addUser("ann", password: Self.password, scopes: ["admin"], to: stack.database)
        let conninfo = stack.database.conninfo

        let (cookie, _) = try SignIn.through(stack.client, "ann", Self.password)
        #expect(Self.checks(stack.port, cookie, query: "?scope=admin").allSatisfy { $0 == 204 })
        #expect(try ScopeChangeTests.gatehouse(["user", "scope", "ann", "-admin"], conninfo: conninfo).status == 0)
        #expect(try Self.secondsUntil(403, stack.client, cookie, query: "?scope=admin") < 0.1)
        #expect(Self.checks(stack.port, cookie, query: "?scope=admin").allSatisfy { $0 == 403 })

        #expect(Self.checks(stack.port, cookie).allSatisfy { $0 == 204 })
        #expect(try ScopeChangeTests.gatehouse(["session", "revoke", "ann"], conninfo: conninfo).status == 0)
        #expect(try Self.secondsUntil(401, stack.client, cookie) < 0.1)
        #expect(Self.checks(stack.port, cookie).allSatisfy { $0 == 401 })

        let (second, _) = try SignIn.through(stack.client, "ann", Self.password)
        #expect(Self.checks(stack.port, second).allSatisfy { $0 == 204 })
        let page = try other.client.send("GET", "/", headers: ["Cookie": "session=\(second)"])
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        #expect(try other.client.post("/auth/logout", form: [("csrf_token", csrf)], headers: ["Cookie": "session=\(second)"]).status == 303)
        #expect(try Self.secondsUntil(401, stack.client, second) < 0.1)
        #expect(try Self.metric(stack, "gatehouse_session_cache_hits_total") > 0)
        #expect(other.stop() == 0)
        #expect(stack.stop() == 0)
    }

    @Test("Listener's backend terminated: cache bypassed until it is back, then used again")
    func listenerTerminated() throws {
        let stack = try Self.stack()
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        let (cookie, _) = try SignIn.through(stack.client, "ann", Self.password)
        let admin = stack.database.connect()
        // Once the listeners have started, the cache answers.
        try Stack.waitFor {
            _ = Self.checks(stack.port, cookie)
            return (try? Self.metric(stack, "gatehouse_session_cache_hits_total")) ?? 0 > 0
        }
        let hits = try Self.metric(stack, "gatehouse_session_cache_hits_total")
        let reconnects = try Self.metric(stack, "gatehouse_session_cache_listener_reconnects_total")
        // Terminated; once each listener has noticed (and before it reconnects 200 ms
        // later), lookups that a cache would keep, then a revocation no listener hears.
        _ = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND (query = 'SELECT pg_backend_pid()' OR query LIKE 'LISTEN%')")
        usleep(50_000)
        #expect(Self.checks(stack.port, cookie, count: 24).allSatisfy { $0 == 204 })
        _ = try admin.query("DELETE FROM session")
        #expect(Self.checks(stack.port, cookie, count: 24).allSatisfy { $0 == 401 })
        try Stack.waitFor { (try? Self.metric(stack, "gatehouse_session_cache_listener_reconnects_total")) ?? 0 >= reconnects + 3 }
        let (again, _) = try SignIn.through(stack.client, "ann", Self.password)
        try Stack.waitFor {
            _ = Self.checks(stack.port, again, count: 24)
            return (try? Self.metric(stack, "gatehouse_session_cache_hits_total")) ?? 0 > hits
        }
        #expect(stack.stop() == 0)
    }

    @Test("Idle and absolute expiry end sessions on time with the cache on")
    func expiryOnTime() throws {
        let stack = try Self.stack(nil, ["SESSION_MAX_AGE": "2", "SESSION_ABSOLUTE_MAX_AGE": "3"])
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        let (idle, _) = try SignIn.through(stack.client, "ann", Self.password)
        #expect(Self.checks(stack.port, idle).allSatisfy { $0 == 204 })
        usleep(2_100_000)
        #expect(Self.checks(stack.port, idle).allSatisfy { $0 == 401 })

        let (active, _) = try SignIn.through(stack.client, "ann", Self.password)
        let started = Date()
        while Date().timeIntervalSince(started) < 2.9 {
            #expect(Self.checks(stack.port, active, count: 4).allSatisfy { $0 == 204 })
            usleep(100_000)
        }
        usleep(200_000)
        #expect(Self.checks(stack.port, active).allSatisfy { $0 == 401 })
        #expect(stack.stop() == 0)
    }

    @Test("\"Last seen\" stays within half the idle limit of the latest request, written once per half, with the cache answering")
    func lastSeenAccurate() throws {
        let stack = try Self.stack(nil, ["SESSION_MAX_AGE": "2"])
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        let (cookie, _) = try SignIn.through(stack.client, "ann", Self.password)
        let admin = stack.database.connect()
        var behind: [Double] = []
        let started = Date()
        while Date().timeIntervalSince(started) < 3 {
            #expect(Self.checks(stack.port, cookie, count: 4).allSatisfy { $0 == 204 })
            let seen = try admin.query("SELECT extract(epoch FROM clock_timestamp() - last_seen_at)::float8 FROM session").scalar()
            behind.append(try #require(seen.flatMap(Double.init)))
            usleep(100_000)
        }
        // Slid by the first request after a second (SESSION_MAX_AGE/2) has passed, not on
        // every request; measured after a round of checks, so up to a round (and a loaded
        // machine's delays) later. Entries used past the slide point would never slide it.
        #expect(behind.max()! < 1.6, "\(behind)")
        #expect(behind.max()! > 0.5, "\(behind)")
        #expect(try Self.metric(stack, "gatehouse_session_cache_hits_total") > 0)
        #expect(stack.stop() == 0)
    }

    @Test("SESSION_CACHE_TTL=0: no lookup is ever answered from a cache")
    func ttlZeroIsOff() throws {
        let stack = try Self.stack(nil, ["SESSION_CACHE_TTL": "0"])
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        let (cookie, _) = try SignIn.through(stack.client, "ann", Self.password)
        for _ in 0..<20 { _ = Self.checks(stack.port, cookie) }
        #expect(try Self.metric(stack, "gatehouse_session_cache_hits_total") == 0)
        #expect(try Self.metric(stack, "gatehouse_session_cache_listener_reconnects_total") == 0)
        #expect(stack.stop() == 0)
    }
}
