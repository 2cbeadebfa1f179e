/// `GET /super`: only for the `super` scope.
enum SuperPage {
    static func show(_ context: inout RequestContext) throws -> Response {
        _ = try context.requireScope("super") { $0.has("super") }
        return context.page("super")
    }
}
