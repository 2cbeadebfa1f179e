@testable import Gatehouse

/// A session lookup that answers from a table the test fills: the stand-in for the
/// `session` table behind `Application.respond(to:database:sessions:)`.
///
/// It records every token it is asked about, so a test can tell how often the pipeline
/// looked (once per request at most; never for a malformed cookie).
final class FakeSessions: SessionLookup {
    private var sessions: [SessionToken: SessionStore.Found] = [:]
    /// The tokens looked up so far, in order.
    private(set) var lookups: [SessionToken] = []

    /// Adds a live session for a new user and returns its token.
    /// - Parameters:
    ///   - username: the user's name; the user id and session id are numbered in order.
    ///   - scopes: the user's scopes.
    ///   - factors: what the sign-in proved (1 or 2); `authenticatedAgo`: seconds since.
    ///   - hasFactor: whether the user holds a second factor (MFA_REQUIRED).
    func signIn(_ username: String, firstName: String? = nil, lastName: String? = nil, scopes: [String] = ["authenticated"],
                factors: Int = 1, authenticatedAgo: Int = 0, hasFactor: Bool = false) -> SessionToken {
        let token = SessionToken.generate()
        let id = sessions.count + 1
        let user = User(id: id, username: username, firstName: firstName, lastName: lastName, scopes: scopes)
        sessions[token] = SessionStore.Found(sessionID: 100 + id, user: user, factors: factors, authenticatedAgo: authenticatedAgo,
                                             hasFactor: hasFactor)
        return token
    }

    func lookup(_ token: SessionToken) throws(DatabaseError) -> SessionStore.Found? {
        lookups.append(token)
        return sessions[token]
    }
}
