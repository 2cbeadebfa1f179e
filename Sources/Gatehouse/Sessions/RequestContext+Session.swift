extension RequestContext {
    /// The session and user behind the request's cookie, looked up at most once per request
    /// (one round trip); `nil` for a visitor without a valid session.
    public mutating func session() throws(DatabaseError) -> SessionStore.Found? {
        if let resolved = resolvedSession { return resolved }
        guard let presented = presentedToken else {
            resolvedSession = .some(nil)
            return nil
        }
        let found: SessionStore.Found?
        if sessionLookup != nil {
            found = try lookUpInStandIn(presented)
        } else if let cache = application.sessionCache {
            found = try cache.lookup(presented, in: sessionStore)
        } else {
            found = try sessionStore.lookup(presented)
        }
        resolvedSession = .some(found)
        return found
    }

    /// `sessionLookup`'s answer, out of line: only tests take this path, and `session()`
    /// stays small enough to be inlined into the handlers.
    @inline(never)
    private func lookUpInStandIn(_ token: SessionToken) throws(DatabaseError) -> SessionStore.Found? {
        try sessionLookup?.lookup(token)
    }

    /// Signs `userID` in with a fresh token: the token the visitor arrived with never
    /// becomes a session (fixation), and a session it may name is ended first.
    /// - Parameter factors: what the sign-in proved, 1 (password) or 2.
    public mutating func startSession(userID: Int, factors: Int = 1) throws(DatabaseError) {
        if let presentedToken {
            try sessionStore.delete(presentedToken)
        }
        let token = SessionToken.generate()
        try sessionStore.create(token, userID: userID, address: clientAddress,
                                userAgent: request.headers["user-agent"] ?? "", factors: factors)
        sessionToken = token
        resolvedSession = nil
    }

    /// The session table on this worker's connection, with the configured lifetimes.
    public var sessionStore: SessionStore {
        SessionStore(database: database, maxAge: configuration.sessionMaxAge,
                     absoluteMaxAge: configuration.sessionAbsoluteMaxAge,
                     checksFactor: configuration.mfaRequired != .off)
    }
}
