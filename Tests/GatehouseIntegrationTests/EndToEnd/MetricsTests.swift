import Foundation
import Glibc
import Synchronization
import Testing

/// `/metrics` through nginx: Prometheus text for METRICS_ALLOW, 404 for everyone else.
@Suite("End to end: metrics", .serialized)
struct MetricsTests {
    @Test("Loopback may read the counters; they move with traffic")
    func allowed() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "3"])
        _ = try stack.client.send("GET", "/auth")
        _ = try stack.client.send("GET", "/nope")
        let answer = try stack.client.send("GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(answer.text.contains("gatehouse_requests_total{route=\"/auth\",status=\"200\"} 1"))
        #expect(answer.text.contains("gatehouse_requests_total{route=\"unmatched\",status=\"404\"} 1"))
        #expect(answer.text.contains("gatehouse_request_duration_seconds_count"))
        #expect(answer.text.contains("gatehouse_sessions_live 0"))
        #expect(answer.text.contains("gatehouse_logins_total{outcome=\"failure\"} 0"))
        #expect(answer.text.contains("\ngatehouse_workers 1\n"))
        #expect(answer.text.contains("\ngatehouse_worker_threads 3\n"))
        #expect(answer.headers("Set-Cookie").isEmpty)
    }

    /// The pid of the worker that answered a scrape.
    static func worker(_ scrape: String) -> String? {
        scrape.split(separator: "\n").first { $0.hasPrefix("gatehouse_worker_info{pid=") }.map(String.init)
    }

    @Test("Every worker reports the requests of all of them; a killed worker's counts stay")
    func summedOverWorkers() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"])
        try Stack.waitFor { SupervisionTests.children(of: stack.responderPID).count == 2 }
        let requests = 30
        for _ in 0..<requests { #expect(try stack.client.send("GET", "/auth").status == 200) }
        let total = "gatehouse_requests_total{route=\"/auth\",status=\"200\"} \(requests)\n"
        // Scrapes land on either worker: each must count all the requests, not its own share.
        // One client at a time would always find the same idle worker waiting, so eight
        // scrape at once until both have answered.
        let answered = Mutex<Set<String>>([])
        let miscounted = Mutex(0)
        let client = stack.client
        let scrapers = (0..<8).map { _ in
            Thread {
                for _ in 0..<25 where answered.withLock({ $0.count }) < 2 {
                    guard let scrape = try? client.send("GET", "/metrics").text else { continue }
                    if !scrape.contains(total) { miscounted.withLock { $0 += 1 } }
                    answered.withLock { _ = $0.insert(Self.worker(scrape) ?? "") }
                }
            }
        }
        scrapers.forEach { $0.start() }
        while scrapers.contains(where: { !$0.isFinished }) { usleep(10_000) }
        #expect(miscounted.withLock { $0 } == 0)
        #expect(answered.withLock { $0.count } == 2, "every scrape reached the same worker")

        let victim = SupervisionTests.children(of: stack.responderPID)[0]
        kill(victim, SIGKILL)
        try Stack.waitFor {
            let now = SupervisionTests.children(of: stack.responderPID)
            return now.count == 2 && !now.contains(victim)
        }
        for _ in 0..<10 {
            let scrape = try stack.client.send("GET", "/metrics").text
            #expect(scrape.contains(total))
            #expect(scrape.contains("gatehouse_worker_restarts_total 1\n"))
            #expect(scrape.contains("\ngatehouse_workers 2\n"))
        }
    }

    @Test("/healthz failures count as database errors")
    func healthFailuresCounted() throws {
        let missing = TestDatabase(conninfo: try TestEnvironment.conninfo(database: "gh_test_no_such_database"))
        let stack = try Stack(database: missing, settings: ["WORKER_PROCESSES": "1"])
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        #expect(try stack.client.send("GET", "/healthz").status == 503)
        #expect(try stack.client.send("GET", "/metrics").text.contains("gatehouse_database_errors_total 2\n"))
    }

    @Test("Behind a trusted proxy on this host, METRICS_ALLOW judges the forwarded client, not the proxy's loopback address")
    func behindProxy() throws {
        // As a TLS terminator on the same host would: every visitor reaches nginx from
        // 127.0.0.1, which METRICS_ALLOW lets in by default, and names the client in X-Forwarded-For.
        let proxied = try Stack(settings: ["TRUSTED_PROXIES": "127.0.0.1"])
        let visitor = try proxied.client.send("GET", "/metrics", headers: ["X-Forwarded-For": "198.51.100.7"])
        #expect(visitor.status == 404)
        #expect(!visitor.text.contains("gatehouse_requests_total"))
        // Only the last hop counts: what the client wrote further left proves nothing.
        let spoofed = try proxied.client.send("GET", "/metrics", headers: ["X-Forwarded-For": "127.0.0.1, 198.51.100.7"])
        #expect(spoofed.status == 404)
        #expect(try proxied.client.send("GET", "/metrics").status == 200)  // a scrape on this host, no proxy between
        #expect(proxied.stop() == 0)

        // And a monitoring host listed in METRICS_ALLOW is let in through the proxy.
        let monitored = try Stack(settings: ["TRUSTED_PROXIES": "127.0.0.1", "METRICS_ALLOW": "198.51.100.9"])
        let scrape = try monitored.client.send("GET", "/metrics", headers: ["X-Forwarded-For": "198.51.100.9"])
        #expect(scrape.status == 200)
        #expect(scrape.text.contains("gatehouse_requests_total"))
        #expect(try monitored.client.send("GET", "/metrics").status == 404)
        #expect(monitored.stop() == 0)
    }

    @Test("Addresses outside METRICS_ALLOW get the 404 page")
    func refused() throws {
        let stack = try Stack(settings: ["METRICS_ALLOW": "192.0.2.1"])
        let answer = try stack.client.send("GET", "/metrics")
        #expect(answer.status == 404)
        #expect(!answer.text.contains("gatehouse_requests_total"))
    }
}
