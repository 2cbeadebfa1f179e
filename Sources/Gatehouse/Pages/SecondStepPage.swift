/// `/auth/second`: the second step of a sign-in for a user with a second factor. A code
/// from the authenticator app or a recovery code turns the half-done sign-in
/// (`PendingSignIn`) into a session that proved two factors, under a fresh token; so does
/// a passkey (`PasskeySignIn`, the page's button).
enum SecondStepPage {
    static func show(_ context: inout RequestContext) throws -> Response {
        guard let state = try PendingSignIn(database: context.database).find(context.presentedToken) else {
            return .redirect(to: "/auth")
        }
        return try form(context, state)
    }

    static func submit(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let pending = PendingSignIn(database: context.database)
        guard let token = context.presentedToken, let state = try pending.find(token) else {
            // Expired or never started: the password is asked again.
            return .redirect(to: "/auth")
        }
        let typed = fields["code"] ?? ""
        let isAppCode = TOTP.normalized(typed) != nil
        guard isAppCode || RecoveryCodes.normalized(typed) != nil else {
            throw HTTPError(.badRequest, "A code is the 6 digits your app shows, or a recovery code like abcd-efgh-ijkl.")
        }
        // Wrong codes count toward the same lockout as wrong passwords.
        let address = context.clientAddress
        let device = context.trustedDevice(for: state.userID)
        let attempt = LoginThrottle.Attempt(username: state.username, address: address, device: device)
        let now = TOTP.currentTime()
        let database = context.database, key = context.application.factorKey
        let outcome = try LoginThrottle(database: database, configuration: context.configuration).judge(attempt) {
            isAppCode
                ? try TOTPStore(database: database, key: key).use(userID: state.userID, typed: typed, now: now)
                : try Notices.useRecoveryCode(context, userID: state.userID, typed: typed)
        }
        switch outcome {
        case .locked(let limit):
            context.application.metrics.recordLogin("locked")
            let window = LoginThrottle.window(of: limit, context.configuration)
            var page = try form(context, state, error: "Too many failed attempts. Please wait up to \(max(1, window / 60)) minutes and try again.",
                            status: .tooManyRequests)
            page.headers.append(("Retry-After", String(window)))
            return page
        case .busy:
            context.application.metrics.recordLogin("locked")
            var page = try form(context, state, error: "Too many attempts at once. Please try again in a moment.", status: .tooManyRequests)
            page.headers.append(("Retry-After", "1"))
            return page
        case .failed:
            context.application.metrics.recordLogin("failure")
            context.audit.record("second_factor_failed", username: state.username, address: address,
                                 detail: isAppCode ? "method=totp" : "method=recovery_code")
            return try form(context, state, error: "That code is not right, or it was already used.", status: .unauthorized)
        case .succeeded:
            break
        }
        guard try pending.finish(token) else { return .redirect(to: "/auth") }
        try context.startSession(userID: state.userID, factors: 2)
        context.application.metrics.recordLogin("success")
        if !isAppCode {
            let left = try RecoveryCodes(database: database).remaining(userID: state.userID)
            context.audit.record("recovery_code_used", username: state.username, address: address, detail: "left=\(left)")
        }
        context.audit.record("login_success", username: state.username, address: address,
                             detail: isAppCode ? "factors=2 method=totp" : "factors=2 method=recovery_code")
        // Checked again on the way out: REDIRECT_HOSTS may have narrowed since the password step.
        var response = Response.redirect(to: context.safeNext(state.next))
        response.cookies.append(context.deviceCookie(for: state.userID, known: device))
        return response
    }

    /// The second-step form, worded for the factors the user holds (app, passkeys). "Start
    /// again" keeps the sign-in's `next`, so an app's visitor still lands back on the app.
    private static func form(_ context: RequestContext, _ state: PendingSignIn.State, error: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let held = try SecondFactors(database: context.database).held(userID: state.userID)
        let next = context.safeNext(state.next)
        var values: TemplateObject = ["has_app": .bool(held.app), "has_passkeys": .bool(held.passkeys > 0),
                                      "next_query": .string(next == "/" ? "" : "?next=" + PercentEncoding.queryValue(next))]
        if let error { values["error"] = .string(error) }
        return context.page("second", status: status, values)
    }
}
