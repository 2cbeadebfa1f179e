/// Sign-out. `GET /auth/signout` is the page any app may link to (apps on other hosts
/// cannot post a form here: CSRF and Origin stay per host; and `GET /auth/logout` stays a
/// 405, so no link or image tag can sign anyone out); its button posts to
/// `POST /auth/logout`, which deletes the session row — ending the one session for every
/// app that shares it — and hands out a new anonymous token.
enum SignOut {
    /// `GET /auth/signout[?next=…]`: a CSRF-protected button for a signed-in visitor; anyone
    /// else is already signed out and goes to the sign-in page.
    static func show(_ context: inout RequestContext) throws -> Response {
        let next = context.safeNext(context.request.queryItems["next"])
        guard let found = try context.session() else { return .redirect(to: signInPage(next)) }
        var page = context.page("logout", [
            "next": .string(next),
            "username": .string(found.user.username),
        ])
        page.headers.append(("Cache-Control", "no-store"))
        return page
    }

    /// `POST /auth/logout`: 303 to `/auth`, or `/auth?next=…` with a safe `next` so a
    /// visitor signing in again returns to the app they left.
    static func submit(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let found = try context.session()
        if let presented = context.presentedToken {
            try context.sessionStore.delete(presented)
        }
        if let found {
            context.audit.record("logout", username: found.user.username, address: context.clientAddress)
        }
        context.sessionToken = SessionToken.generate()
        return .redirect(to: signInPage(context.safeNext(fields["next"])))
    }

    /// The sign-in page, carrying `next` unless it is `/`.
    private static func signInPage(_ next: String) -> String {
        next == "/" ? "/auth" : "/auth?next=" + PercentEncoding.queryValue(next)
    }
}
