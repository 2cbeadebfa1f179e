/// `GET /`: greets the logged-in user by first name (or username) and lists their scopes.
enum HomePage {
    static func show(_ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser()
        return context.page("home", [
            "greeting": .string(user.greeting),
            "username": .string(user.username),
            "scopes": .list(user.scopes.map { .string($0) }),
        ])
    }
}
