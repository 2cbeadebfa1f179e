/// The guards of the original design's dependencies: authenticators never throw
/// (`session()` answers `nil`), guards do, and `Application` turns a `GuardFailure` into
/// a 303 to the sign-in page or a 403 page.
extension RequestContext {
    /// The logged-in user, or `GuardFailure.notLoggedIn`.
    public mutating func requireUser() throws -> User {
        guard let found = try session() else { throw GuardFailure.notLoggedIn }
        return found.user
    }

    /// The logged-in user holding a scope `allowed` accepts, else the matching failure.
    /// - Parameter required: the scope named on the 403 page.
    public mutating func requireScope(_ required: String, _ allowed: (User) -> Bool) throws -> User {
        let user = try requireUser()
        guard allowed(user) else { throw GuardFailure.forbidden(required: required) }
        return user
    }

    /// Fails with `GuardFailure.alreadyLoggedIn` when the visitor has a valid session.
    public mutating func requireAnonymous() throws {
        if try session() != nil { throw GuardFailure.alreadyLoggedIn }
    }

    /// The logged-in user when the session signed in or passed `/auth/confirm` within
    /// `REAUTH_WINDOW`; otherwise `GuardFailure.needsConfirmation`, so a stolen or
    /// forgotten-open session cannot change passwords, factors or users unasked.
    /// Call it before anything is changed.
    /// - Parameter page: the local page holding the form, where the user returns after
    ///   confirming (a GET target, never the POST path).
    @discardableResult
    public mutating func requireRecentAuthentication(returningTo page: String) throws -> User {
        guard let found = try session() else { throw GuardFailure.notLoggedIn }
        guard found.authenticatedAgo < configuration.reauthWindow else {
            throw GuardFailure.needsConfirmation(next: page)
        }
        return found.user
    }
}
