/// `POST /auth/passkey/options` and `POST /auth/passkey`: an assertion with a passkey,
/// which signs in with a discoverable passkey alone, completes a half-done sign-in
/// (`/auth/second`), or confirms a session (`/auth/confirm`), by the browser's state
/// (`PasskeyAssertionMode`).
///
/// A passkey's answer is judged by the same lockout as a password: a wrong signature, a
/// user handle naming someone else or a sign count that went back is a failure of the
/// passkey's owner from this address.
enum PasskeySignIn {
    /// `POST /auth/passkey/options`: request options with a fresh challenge; for a user
    /// already known, their own passkeys are the allowed ones.
    static func options(_ context: inout RequestContext) throws -> Response {
        _ = try context.json()
        let mode = try PasskeyAssertionMode.of(&context)
        let party = try context.relyingParty()
        let allowed = try mode.userID.map { try PasskeyStore(database: context.database).list(userID: $0).map(\.credentialID) } ?? []
        let challenge = try context.passkeyChallenges.issue(owner: context.passkeyChallengeOwner, purpose: mode.purpose)
        return .json(PasskeyOptions.request(party: party, challenge: challenge, allowed: allowed))
    }

    /// `POST /auth/passkey` (`id`, `clientDataJSON`, `authenticatorData`, `signature`,
    /// `userHandle`, and `next` for a sign-in or confirmation): answers
    /// `{"location": …}` where the browser goes next.
    static func submit(_ context: inout RequestContext) throws -> Response {
        let body = try context.json()
        let posted = try PostedAssertion(body)
        let mode = try PasskeyAssertionMode.of(&context)
        let party = try context.relyingParty()
        // Taken first, whatever comes next: a replayed answer finds no challenge.
        guard let challenge = try context.passkeyChallenges.take(owner: context.passkeyChallengeOwner, purpose: mode.purpose) else {
            throw RequestContext.challengeGone
        }
        let store = PasskeyStore(database: context.database)
        // For a user already known, another user's passkey is as unknown as a missing one.
        guard let passkey = try store.find(credentialID: posted.credentialID),
              mode.userID == nil || mode.userID == passkey.userID,
              let owner = try UserStore(database: context.database).users(where: "id = $1::int", [String(passkey.userID)]).first
        else {
            context.audit.record("passkey_failed", username: nil, address: context.clientAddress, detail: "reason=unknown_credential")
            throw HTTPError(.badRequest, "This passkey is not registered here.")
        }
        let device = context.trustedDevice(for: owner.id)
        let attempt = LoginThrottle.Attempt(username: owner.username, address: context.clientAddress, device: device)
        var verified: PasskeyVerifier.Assertion?
        var refusal = ""
        let handles = context.application.passkeyHandles
        let outcome = try LoginThrottle(database: context.database, configuration: context.configuration).judge(attempt) {
            do {
                try handles.check(posted.userHandle, owner: owner.id, identifiedBefore: mode.userID != nil)
                let assertion = try PasskeyVerifier.authenticate(
                    authenticatorData: posted.authenticatorData, clientDataJSON: posted.clientDataJSON,
                    signature: posted.signature, issuedChallenge: challenge, stored: passkey.key, party: party,
                    requireUserVerification: false)
                // Atomic with the count rule: of a replay racing the real answer, one wins.
                guard try store.recordUse(id: passkey.id, signCount: assertion.signCount) else {
                    refusal = "sign_count_raced"
                    return false
                }
                verified = assertion
                return true
            } catch let error as WebAuthnError {
                refusal = "\(error)"
                return false
            }
        }
        switch outcome {
        case .locked(let limit):
            context.application.metrics.recordLogin("locked")
            var answer = JSONRoute.error(.tooManyRequests, "Too many failed attempts. Please wait and try again.")
            answer.headers.append(("Retry-After", String(LoginThrottle.window(of: limit, context.configuration))))
            return answer
        case .busy:
            context.application.metrics.recordLogin("locked")
            var answer = JSONRoute.error(.tooManyRequests, "Too many attempts at once. Please try again in a moment.")
            answer.headers.append(("Retry-After", "1"))
            return answer
        case .failed:
            context.application.metrics.recordLogin("failure")
            context.audit.record(mode.userID == nil ? "login_failure" : "second_factor_failed", username: owner.username,
                                 address: context.clientAddress, detail: "method=passkey reason=\(refusal.prefix(80))")
            return JSONRoute.error(.unauthorized, "The passkey could not be verified.")
        case .succeeded:
            break
        }
        guard let verified else { throw HTTPError(.internalServerError, "A passkey judged right without an assertion.") }
        let detail = "method=passkey passkey=\(passkey.id) uv=\(verified.userVerified)"
        switch mode {
        case .signIn:
            // User verification is the second factor; without it the passkey is one.
            let factors = verified.userVerified ? 2 : 1
            try context.startSession(userID: owner.id, factors: factors)
            return signedIn(&context, owner, device: device, next: context.safeNext(body.string("next")),
                            detail: "factors=\(factors) " + detail)
        case .secondStep(let state):
            guard let token = context.presentedToken, try PendingSignIn(database: context.database).finish(token) else {
                return JSONRoute.error(.badRequest, "The sign-in expired. Please start again.", location: "/auth")
            }
            try context.startSession(userID: owner.id, factors: 2)
            return signedIn(&context, owner, device: device, next: context.safeNext(state.next), detail: "factors=2 " + detail)
        case .confirmation(let found):
            let factors = verified.userVerified ? 2 : 1
            try context.sessionStore.confirm(sessionID: found.sessionID, factors: factors)
            context.audit.record("reauthenticated", username: owner.username, address: context.clientAddress,
                                 detail: "factors=\(factors) " + detail)
            return .json(.object([("location", .string(context.safeNext(body.string("next"))))]))
        }
    }

    /// The answer to a completed sign-in: counted, audited, the device cookie renewed.
    private static func signedIn(_ context: inout RequestContext, _ owner: User, device: DeviceCookie?, next: String,
                                 detail: String) -> Response {
        context.application.metrics.recordLogin("success")
        context.audit.record("login_success", username: owner.username, address: context.clientAddress, detail: detail)
        var answer = Response.json(.object([("location", .string(next))]))
        answer.cookies.append(context.deviceCookie(for: owner.id, known: device))
        return answer
    }
}
