/// `GET /healthz`: 200 `ok` when PostgreSQL answers a query, else 503.
enum HealthCheck {
    static func check(_ context: inout RequestContext) throws -> Response {
        do {
            _ = try context.database.query("SELECT 1")
            return .text("ok\n")
        } catch {
            context.application.metrics.recordDatabaseError()
            return .text("database unavailable\n", status: .serviceUnavailable)
        }
    }
}
