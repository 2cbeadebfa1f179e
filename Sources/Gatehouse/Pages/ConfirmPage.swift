/// `/auth/confirm` ("sudo mode"): a signed-in user proves again who they are before a
/// sensitive action (`RequestContext.requireRecentAuthentication`) — the password, and a
/// code from the app or a recovery code when they have an app — and returns to `next`.
enum ConfirmPage {
    /// `GET /auth/confirm?next=…`: the form, for signed-in users only.
    static func show(_ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser()
        return try form(&context, user: user, next: context.safeNext(context.request.queryItems["next"]))
    }

    /// `POST /auth/confirm`: wrong answers count toward the sign-in lockout exactly as a
    /// sign-in's do, so a stolen session cannot guess the password here unnoticed.
    static func submit(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireUser()
        let next = context.safeNext(fields["next"])
        let password = fields["password"] ?? ""
        let typed = fields["code"] ?? ""
        guard PasswordRules.isSubmittable(password) else {
            throw HTTPError(.badRequest, "The password is too long (more than 1024 characters).")
        }
        let database = context.database, key = context.application.factorKey
        let needsCode = try SecondFactors(database: database).any(userID: user.id)
        let isAppCode = TOTP.normalized(typed) != nil
        if needsCode, !isAppCode, RecoveryCodes.normalized(typed) == nil {
            return try form(&context, user: user, next: next, status: .badRequest,
                            error: "A code is the 6 digits your app shows, or a recovery code like abcd-efgh-ijkl.")
        }
        try HashingPool.shared.requireRoom()
        let authenticator = Authenticator(context: context)
        let credentials = try authenticator.users.credentials(username: user.username)
        let attempt = LoginThrottle.Attempt(username: user.username, address: context.clientAddress,
                                            device: context.trustedDevice(for: user.id))
        let now = TOTP.currentTime()
        let outcome = try LoginThrottle(database: database, configuration: context.configuration).judge(attempt) {
            // The code is looked at only after a right password, so a wrong password
            // never uses up an app code or a recovery code.
            guard try authenticator.check(password, against: credentials).matched else { return false }
            guard needsCode else { return true }
            return isAppCode
                ? try TOTPStore(database: database, key: key).use(userID: user.id, typed: typed, now: now)
                : try Notices.useRecoveryCode(context, userID: user.id, typed: typed)
        }
        switch outcome {
        case .locked(let limit):
            let window = LoginThrottle.window(of: limit, context.configuration)
            var page = try form(&context, user: user, next: next, status: .tooManyRequests,
                                error: "Too many failed attempts. Please wait up to \(max(1, window / 60)) minutes and try again.")
            page.headers.append(("Retry-After", String(window)))
            return page
        case .busy:
            var page = try form(&context, user: user, next: next, status: .tooManyRequests,
                                error: "Too many attempts at once. Please try again in a moment.")
            page.headers.append(("Retry-After", "1"))
            return page
        case .failed:
            context.audit.record("reauthentication_failed", username: user.username, address: context.clientAddress)
            return try form(&context, user: user, next: next, status: .unauthorized,
                            error: needsCode ? "The password or the code is not right." : "The password is not right.")
        case .succeeded:
            break
        }
        guard let sessionID = try context.session()?.sessionID else { throw GuardFailure.notLoggedIn }
        try context.sessionStore.confirm(sessionID: sessionID, factors: needsCode ? 2 : 1)
        context.audit.record("reauthenticated", username: user.username, address: context.clientAddress,
                             detail: needsCode ? (isAppCode ? "factors=2 method=totp" : "factors=2 method=recovery_code") : "factors=1")
        return .redirect(to: next)
    }

    /// The confirmation form; the code field only for a user with a factor, the passkey
    /// button for a user with a passkey.
    private static func form(_ context: inout RequestContext, user: User, next: String, status: HTTPStatus = .ok,
                             error: String? = nil) throws -> Response {
        var values: TemplateObject = [
            "next": .string(next),
            "username": .string(user.username),
        ]
        let held = try SecondFactors(database: context.database).held(userID: user.id)
        values["needs_code"] = .bool(held.any)
        values["has_app"] = .bool(held.app)
        values["has_passkeys"] = .bool(held.passkeys > 0)
        if let error { values["error"] = .string(error) }
        return context.page("confirm", status: status, values)
    }
}
