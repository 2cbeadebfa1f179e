/// `/admin` (scope `admin` or `super`): users and their scopes, editable; ending a user's
/// sessions. Only `super` may grant or remove `super`.
enum AdminPage {
    static func show(_ context: inout RequestContext) throws -> Response {
        try render(&context)
    }

    static func render(_ context: inout RequestContext, error: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let admin = try context.requireScope("admin") { $0.isAdmin }
        let users = try UserStore(database: context.database).all()
        let counts = try SessionAdmin(database: context.database).liveCounts()
        let canGrantSuper = admin.has("super")
        var values: TemplateObject = [
            "users": .list(users.map { user in
                .object([
                    "username": .string(user.username),
                    "name": .string([user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")),
                    "sessions": .int(counts[user.id] ?? 0),
                    "has_sessions": .bool((counts[user.id] ?? 0) > 0),
                    "is_self": .bool(user.id == admin.id),
                    "scopes": .list(user.scopes.map { scope in
                        .object([
                            "name": .string(scope),
                            "removable": .bool(scope != "super" || canGrantSuper),
                        ])
                    }),
                ])
            }),
            "can_grant_super": .bool(canGrantSuper),
        ]
        if let error { values["error"] = .string(error) }
        return context.page("admin", status: status, values)
    }

    /// `POST /admin/users/scope`: `username`, `scope`, `action` = add|remove.
    static func changeScope(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let admin = try context.requireScope("admin") { $0.isAdmin }
        let username = fields["username"] ?? ""
        let scope = fields["scope"] ?? ""
        let action = fields["action"] ?? ""
        guard action == "add" || action == "remove" else {
            throw HTTPError(.badRequest, "The action must be add or remove.")
        }
        guard Username.isValidScope(scope) else {
            return try render(&context, error: "A scope is 1 to 64 letters, digits or _ . : - characters.", status: .badRequest)
        }
        if scope == "super", !admin.has("super") {
            throw GuardFailure.forbidden(required: "super")
        }
        let users = UserStore(database: context.database)
        let scopes: [String]
        do {
            scopes = try users.changeScopes(username: username, add: action == "add" ? [scope] : [],
                                            remove: action == "remove" ? [scope] : [])
        } catch UserStore.Failure.unknown {
            throw HTTPError(.notFound, "There is no user with that name.")
        }
        context.audit.record("scope_changed", username: username, address: context.clientAddress,
                             detail: "by=\(admin.username) \(action)=\(scope) scopes=\(scopes.joined(separator: ","))")
        return .redirect(to: "/admin?flash=" + (action == "add" ? "scope-added" : "scope-removed"))
    }

    /// `POST /admin/users/revoke`: ends every session of `username`.
    static func revokeSessions(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let admin = try context.requireScope("admin") { $0.isAdmin }
        let username = fields["username"] ?? ""
        guard let target = try UserStore(database: context.database).find(username: username) else {
            throw HTTPError(.notFound, "There is no user with that name.")
        }
        if target.has("super"), !admin.has("super") {
            throw GuardFailure.forbidden(required: "super")
        }
        let ended = try SessionAdmin(database: context.database).revoke(username: username)
        context.audit.record("sessions_revoked", username: username, address: context.clientAddress,
                             detail: "by=\(admin.username) count=\(ended)")
        return .redirect(to: "/admin?flash=sessions-ended")
    }
}
