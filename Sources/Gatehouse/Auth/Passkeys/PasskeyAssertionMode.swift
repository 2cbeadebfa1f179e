/// What a passkey assertion at `/auth/passkey` completes, decided by the browser's state
/// when the options are asked for and again when the answer comes: the challenge is
/// issued for one purpose and taken for the same, so a change in between finds none.
enum PasskeyAssertionMode {
    /// No session and no half-done sign-in: a sign-in with a discoverable passkey alone.
    case signIn
    /// A half-done sign-in (right password): the passkey is its second factor.
    case secondStep(PendingSignIn.State)
    /// A signed-in session: `/auth/confirm` with a passkey.
    case confirmation(SessionStore.Found)

    /// The mode of the request's browser.
    static func of(_ context: inout RequestContext) throws -> PasskeyAssertionMode {
        if let found = try context.session() { return .confirmation(found) }
        if let state = try PendingSignIn(database: context.database).find(context.presentedToken) { return .secondStep(state) }
        return .signIn
    }

    /// The challenge purpose of this mode.
    var purpose: PasskeyChallengeStore.Purpose {
        switch self {
        case .signIn: .signIn
        case .secondStep: .secondStep
        case .confirmation: .confirmation
        }
    }

    /// The user already known before the passkey answers, if any.
    var userID: Int? {
        switch self {
        case .signIn: nil
        case .secondStep(let state): state.userID
        case .confirmation(let found): found.user.id
        }
    }
}
