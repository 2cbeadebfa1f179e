/// `/account`: the user's names, password change, second factors (app, passkeys, recovery
/// codes) and their live sessions with revoke.
enum AccountPage {
    static func show(_ context: inout RequestContext) throws -> Response {
        try render(&context)
    }

    /// Renders the page, optionally with an error message from a failed form.
    static func render(_ context: inout RequestContext, error: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let user = try context.requireUser()
        let current = try context.session()?.sessionID
        let sessions = try SessionAdmin(database: context.database).list(username: user.username)
        var values: TemplateObject = [
            "username": .string(user.username),
            "first_name": .string(user.firstName ?? ""),
            "last_name": .string(user.lastName ?? ""),
            "scopes": .list(user.scopes.map { .string($0) }),
            "sessions": .list(sessions.map { session in
                .object([
                    "id": .int(session.id),
                    "created": .string(session.createdAt),
                    "last_seen": .string(session.lastSeenAt),
                    "address": .string(session.address),
                    "agent": .string(session.userAgent.isEmpty ? "unknown browser" : session.userAgent),
                    "current": .bool(session.id == current),
                ])
            }),
            "has_others": .bool(sessions.contains { $0.id != current }),
            "totp_enabled": .bool(try TOTPStore(database: context.database, key: context.application.factorKey).isEnabled(userID: user.id)),
            "recovery_codes_left": .int(try RecoveryCodes(database: context.database).remaining(userID: user.id)),
        ]
        let passkeys = try PasskeyStore(database: context.database).list(userID: user.id)
        values["has_passkeys"] = .bool(!passkeys.isEmpty)
        values["passkeys"] = .list(passkeys.map { passkey in
            .object([
                "id": .int(passkey.id),
                "name": .string(passkey.name),
                "created": .string(passkey.createdAt),
                "last_used": passkey.lastUsedAt.map { .string($0) } ?? .null,
            ])
        })
        for field in try emailValues(context, userID: user.id).fields { values[field.name] = field.value }
        if let error { values["error"] = .string(error) }
        return context.page("account", status: status, values)
    }

    /// `POST /account/password`: needs the current password; ends every other session and
    /// rotates this one.
    static func changePassword(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: "/account")
        let current = fields["current_password"] ?? ""
        let new = fields["new_password"] ?? ""
        guard PasswordRules.isSubmittable(current), PasswordRules.isSubmittable(new) else {
            throw HTTPError(.badRequest, "The password is too long.")
        }
        // A stolen session must not guess the password silently: wrong current passwords
        // count toward the sign-in lockout, and a locked key changes nothing.
        let authenticator = Authenticator(context: context)
        let credentials = try authenticator.users.credentials(username: user.username)
        let attempt = LoginThrottle.Attempt(username: user.username, address: context.clientAddress,
                                            device: context.trustedDevice(for: user.id))
        let outcome = try LoginThrottle(database: context.database, configuration: context.configuration).judge(attempt) {
            try authenticator.check(current, against: credentials).matched
        }
        switch outcome {
        case .locked(let limit):
            let window = LoginThrottle.window(of: limit, context.configuration)
            var page = try render(&context, error: "Too many wrong passwords. Please wait up to \(max(1, window / 60)) minutes and try again. Nothing was changed.",
                                  status: .tooManyRequests)
            page.headers.append(("Retry-After", String(window)))
            return page
        case .busy:
            var page = try render(&context, error: "Too many password checks at once. Please try again in a moment. Nothing was changed.",
                                  status: .tooManyRequests)
            page.headers.append(("Retry-After", "1"))
            return page
        case .failed:
            context.audit.record("password_change_failed", username: user.username, address: context.clientAddress)
            return try render(&context, error: "The current password is not correct. Nothing was changed.", status: .badRequest)
        case .succeeded:
            break
        }
        if let problem = PasswordRules.problem(
            with: new, repeated: fields["new_password2"] ?? "", minimumScore: context.configuration.passwordMinScore,
            userWords: [user.username, user.firstName, user.lastName]) {
            return try render(&context, error: problem, status: .badRequest)
        }
        let hash = try HashingPool.shared.run { [hasher = authenticator.hasher] in hasher.hash(new) }
        let factors = try context.session()?.factors ?? 1
        let ended = try context.database.transaction {
            try authenticator.users.setPassword(userID: user.id, hash)
            try Notices.passwordChanged(context, userID: user.id)
            return try SessionAdmin(database: context.database).revoke(username: user.username)
        }
        try context.startSession(userID: user.id, factors: factors)
        context.audit.record("password_changed", username: user.username, address: context.clientAddress,
                             detail: "sessions_ended=\(ended)")
        return .redirect(to: "/account?flash=password-changed")
    }

    /// `POST /account/sessions/revoke`: ends one of the user's own sessions by id.
    static func revokeSession(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireUser()
        guard let id = fields["session_id"].flatMap({ Int($0) }) else {
            throw HTTPError(.badRequest, "No session was chosen.")
        }
        let ended = try SessionAdmin(database: context.database).revoke(sessionID: id, userID: user.id)
        guard ended else { throw HTTPError(.notFound, "That session does not exist or is already signed out.") }
        context.audit.record("session_revoked", username: user.username, address: context.clientAddress, detail: "session=\(id)")
        return .redirect(to: "/account?flash=session-revoked")
    }

    /// `POST /account/sessions/revoke-others`: "sign out everywhere else".
    static func revokeOthers(_ context: inout RequestContext) throws -> Response {
        _ = try context.form()
        let user = try context.requireUser()
        guard let current = try context.session()?.sessionID else { throw GuardFailure.notLoggedIn }
        let ended = try SessionAdmin(database: context.database).revokeOthers(userID: user.id, keeping: current)
        context.audit.record("sessions_revoked", username: user.username, address: context.clientAddress, detail: "others=\(ended)")
        return .redirect(to: "/account?flash=others-revoked")
    }
}
