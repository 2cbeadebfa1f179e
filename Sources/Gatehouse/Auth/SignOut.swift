/// `POST /auth/logout`: deletes the session row and hands out a new anonymous token.
enum SignOut {
    static func submit(_ context: inout RequestContext) throws -> Response {
        _ = try context.form()
        let found = try context.session()
        if let presented = context.presentedToken {
            try context.sessionStore.delete(presented)
        }
        if let found {
            context.audit.record("logout", username: found.user.username, address: context.clientAddress)
        }
        context.sessionToken = SessionToken.generate()
        return .redirect(to: "/auth")
    }
}
