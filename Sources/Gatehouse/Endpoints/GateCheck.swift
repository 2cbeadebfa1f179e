/// `GET /auth/check`: the answer nginx `auth_request` needs — 204 with identity headers,
/// 401 without a session, 403 when a `?scope=` names a scope the user lacks (every one
/// given must be held). No body, no cookie.
enum GateCheck {
    static func check(_ context: inout RequestContext) throws -> Response {
        guard let found = try context.session() else {
            return Response(status: .unauthorized)
        }
        let user = found.user
        // `?scope=a&scope=b` needs both; an empty one (the nginx example's plain
        // `/_gatehouse/check` sends `scope=`) asks for nothing.
        for (name, scope) in context.request.queryItems.pairs where name == "scope" && !scope.isEmpty && !user.has(scope) {
            return Response(status: .forbidden)
        }
        // Built in one pass: the generic `joined(separator:)` costs more than the rest of
        // this answer's headers.
        var spaced = "", commas = ""
        // Only names an admin could have given: an adopted row's `x,super` or `x super`
        // would read as `super` to an app that splits these lists.
        for scope in user.scopes where Username.isValidScope(scope) {
            if !spaced.isEmpty {
                spaced += " "
                commas += ","
            }
            spaced += scope
            commas += scope
        }
        return Response(status: .noContent, headers: [
            ("X-Auth-User", user.username),
            ("X-Auth-Scope", spaced),
            ("Remote-User", user.username),
            ("Remote-Groups", commas),
            ("X-Auth-Request-User", user.username),
            ("X-Auth-Request-Groups", commas),
            ("Cache-Control", "no-store"),
        ])
    }
}
