/// `/account/passkeys…`: adding a passkey (creation options, then the credential) and
/// removing one. Both change the user's factors, so both need a recent sign-in or
/// confirmation (REAUTH_WINDOW) and are audited.
enum PasskeyRegistration {
    /// The page the user returns to after confirming it is them.
    static let accountPage = "/account"

    /// `POST /account/passkeys/options`: creation options with a fresh challenge.
    static func options(_ context: inout RequestContext) throws -> Response {
        _ = try context.json()
        let user = try context.requireRecentAuthentication(returningTo: accountPage)
        let party = try context.relyingParty()
        let existing = try PasskeyStore(database: context.database).list(userID: user.id).map(\.credentialID)
        let challenge = try context.passkeyChallenges.issue(owner: context.passkeyChallengeOwner, purpose: .registration)
        return .json(PasskeyOptions.creation(party: party, challenge: challenge,
                                             userHandle: context.application.passkeyHandles.handle(for: user.id),
                                             user: user, existing: existing))
    }

    /// `POST /account/passkeys` (`clientDataJSON`, `attestationObject`, base64url, flat or
    /// in WebAuthn's JSON form under `response`, and `name`): verifies the registration and
    /// stores the passkey.
    static func add(_ context: inout RequestContext) throws -> Response {
        let body = try context.json()
        let user = try context.requireRecentAuthentication(returningTo: accountPage)
        let response = body.credentialResponse
        guard let clientData = response.bytes("clientDataJSON"), !clientData.isEmpty,
              let attestation = response.bytes("attestationObject"), !attestation.isEmpty else {
            throw HTTPError(.badRequest, "The new passkey's answer is incomplete or malformed.")
        }
        let party = try context.relyingParty()
        guard let challenge = try context.passkeyChallenges.take(owner: context.passkeyChallengeOwner, purpose: .registration) else {
            throw RequestContext.challengeGone
        }
        let verified: PasskeyVerifier.NewPasskey
        do {
            verified = try PasskeyVerifier.register(attestationObject: attestation, clientDataJSON: clientData,
                                                    issuedChallenge: challenge, party: party, requireUserVerification: false)
        } catch {
            context.audit.record("passkey_add_failed", username: user.username, address: context.clientAddress,
                                 detail: "reason=\(String("\(error)".prefix(80)))")
            throw HTTPError(.badRequest, "The new passkey could not be verified.")
        }
        let added = try context.database.transaction { () throws -> Int? in
            guard let id = try PasskeyStore(database: context.database).add(
                userID: user.id, credential: verified.credential, signCount: verified.signCount, name: body.string("name") ?? "")
            else { return nil }
            try Notices.factorChanged(context, userID: user.id, .passkeyAdded(name: PasskeyStore.clean(body.string("name") ?? "")))
            return id
        }
        guard let id = added else {
            throw HTTPError(.badRequest, "This passkey is already registered.")
        }
        context.audit.record("passkey_added", username: user.username, address: context.clientAddress,
                             detail: "passkey=\(id) alg=\(verified.credential.algorithm.rawValue) uv=\(verified.userVerified)")
        // Recovery codes are the way back from a lost passkey: a user without any is told so.
        let codesLeft = try RecoveryCodes(database: context.database).remaining(userID: user.id)
        let flash = codesLeft == 0 ? "passkey-added-make-codes" : "passkey-added"
        return .json(.object([("location", .string(accountPage + "?flash=" + flash))]))
    }

    /// `POST /account/passkeys/remove` (`id`, the number shown on /account): a form.
    static func remove(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: accountPage)
        guard let id = fields["id"].flatMap({ Int($0) }) else { throw HTTPError(.badRequest, "No passkey was chosen.") }
        let store = PasskeyStore(database: context.database)
        let removed = try context.database.transaction { () throws -> Bool in
            let name = try store.list(userID: user.id).first { $0.id == id }?.name
            guard let name, try store.remove(id: id, userID: user.id) else { return false }
            try Notices.factorChanged(context, userID: user.id, .passkeyRemoved(name: name))
            return true
        }
        guard removed else {
            throw HTTPError(.notFound, "That passkey does not exist or was already removed.")
        }
        context.audit.record("passkey_removed", username: user.username, address: context.clientAddress, detail: "passkey=\(id)")
        return .redirect(to: accountPage + "?flash=passkey-removed")
    }
}
