import Testing

/// `/metrics` through nginx: Prometheus text for METRICS_ALLOW, 404 for everyone else.
@Suite("End to end: metrics", .serialized)
struct MetricsTests {
    @Test("Loopback may read the counters; they move with traffic")
    func allowed() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1"])
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
        #expect(answer.headers("Set-Cookie").isEmpty)
    }

    @Test("Addresses outside METRICS_ALLOW get the 404 page")
    func refused() throws {
        let stack = try Stack(settings: ["METRICS_ALLOW": "192.0.2.1"])
        let answer = try stack.client.send("GET", "/metrics")
        #expect(answer.status == 404)
        #expect(!answer.text.contains("gatehouse_requests_total"))
    }
}
