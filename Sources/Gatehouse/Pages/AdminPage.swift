/// `GET /admin`: users and their scopes, for `admin` or `super`.
enum AdminPage {
    static func show(_ context: inout RequestContext) throws -> Response {
        _ = try context.requireScope("admin") { $0.isAdmin }
        let users = try UserStore(database: context.database).all()
        return context.page("admin", [
            "users": .list(users.map { user in
                .object([
                    "username": .string(user.username),
                    "name": .string([user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")),
                    "scopes": .list(user.scopes.map { .string($0) }),
                ])
            }),
        ])
    }
}
