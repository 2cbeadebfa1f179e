/// `GET /metrics`: Prometheus text for clients in METRICS_ALLOW, a 404 page for others.
enum MetricsEndpoint {
    static func show(_ context: inout RequestContext) throws -> Response {
        // The client as TRUSTED_PROXIES resolve it, not the direct peer: behind a proxy on
        // this host every visitor's peer is 127.0.0.1, which the default list allows.
        let client = context.clientAddress
        guard context.application.metricsAllow.contains(where: { $0.contains(client) }) else {
            throw HTTPError(.notFound, "There is no page at this address.")
        }
        let live = try? context.database.query("SELECT count(*) FROM session WHERE expires_at > now()").scalar().flatMap { Int($0) }
        let waiting = try? Outbox.waitingCount(on: context.database)
        return Response(status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store")],
                        body: Array(context.application.metrics.exposition(liveSessions: live ?? nil, threadsPerWorker: context.application.configuration.workers,
                                                                                     mailWaiting: waiting).utf8))
    }
}
