/// `GET /auth` shows the sign-in form; `POST /auth` checks the credentials.
enum LoginPage {
    /// The one message for an unknown user and a wrong password alike.
    static let failureMessage = "Incorrect username or password."

    static func show(_ context: inout RequestContext) throws -> Response {
        try context.requireAnonymous()
        return form(context, next: context.safeNext(context.request.queryItems["next"]))
    }

    static func submit(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let username = fields["username"] ?? ""
        let password = fields["password"] ?? ""
        let next = context.safeNext(fields["next"])
        guard PasswordRules.isSubmittable(password) else {
            throw HTTPError(.badRequest, "The password is too long (more than 1024 characters).")
        }
        guard Username.isValid(username) else {
            // No such user can exist, so nothing is counted or hashed.
            throw HTTPError(.badRequest, "A username is 1 to 20 letters, digits or _ . @ - characters.")
        }
        // A full hashing pool refuses at once (503, Retry-After), before any query: in a flood
        // of sign-ins each refusal must cost next to nothing, or the lockout's transactions
        // (serialised per address) hold every responder thread and /auth/check, queued behind
        // them, stalls for seconds. A reserved attempt that the pool refuses after all gives
        // its place back, judged neither right nor wrong.
        try HashingPool.shared.requireRoom()
        let address = context.clientAddress
        let authenticator = Authenticator(context: context)
        let credentials = try authenticator.lookup(username: username)
        let device = context.trustedDevice(for: credentials?.userID)
        let throttle = LoginThrottle(database: context.database, configuration: context.configuration)
        let outcome = try throttle.judge(LoginThrottle.Attempt(username: username, address: address, device: device)) {
            try authenticator.check(password, against: credentials).matched
        }
        switch outcome {
        case .locked(let limit):
            // Refused before the password is looked at: even the right one waits.
            context.application.metrics.recordLogin("locked")
            let window = LoginThrottle.window(of: limit, context.configuration)
            return refused(context, next: next, username: username, window: window,
                           "Too many failed sign-in attempts. Please wait up to \(max(1, window / 60)) minutes and try again.")
        case .busy:
            // As many attempts as the limit allows are being judged right now.
            context.application.metrics.recordLogin("locked")
            return refused(context, next: next, username: username, window: 1,
                           "Too many sign-in attempts at once. Please try again in a moment.")
        case .failed:
            context.application.metrics.recordLogin("failure")
            context.audit.record("login_failure", username: username, address: address)
            return form(context, next: next, username: username, error: failureMessage, status: .unauthorized)
        case .succeeded:
            guard let userID = credentials?.userID else { throw HTTPError(.internalServerError, "No user behind a right password.") }
            if try SecondFactors(database: context.database).any(userID: userID) {
                return try startSecondStep(&context, userID: userID, username: username, next: next)
            }
            try context.startSession(userID: userID)
            context.application.metrics.recordLogin("success")
            context.audit.record("login_success", username: username, address: address)
            var response = Response.redirect(to: next)
            response.cookies.append(context.deviceCookie(for: userID, known: device))
            return response
        }
    }

    /// A right password of a user with a second factor: no session yet, only a half-done
    /// sign-in under a fresh token (a session the visitor arrived with ends), then the
    /// second step.
    private static func startSecondStep(_ context: inout RequestContext, userID: Int, username: String, next: String) throws -> Response {
        if let presented = context.presentedToken {
            try context.sessionStore.delete(presented)
        }
        let token = SessionToken.generate()
        try PendingSignIn(database: context.database).start(token, userID: userID, next: next)
        context.sessionToken = token
        context.audit.record("login_password_ok", username: username, address: context.clientAddress, detail: "second_step=required")
        return .redirect(to: "/auth/second")
    }

    /// The 429 sign-in page with `Retry-After: window` and `message`.
    private static func refused(_ context: RequestContext, next: String, username: String, window: Int, _ message: String) -> Response {
        var page = form(context, next: next, username: username, error: message, status: .tooManyRequests)
        page.headers.append(("Retry-After", String(window)))
        return page
    }

    private static func form(_ context: RequestContext, next: String, username: String = "", error: String? = nil, status: HTTPStatus = .ok) -> Response {
        var values: TemplateObject = [
            "next": .string(next),
            "username": .string(username),
            "registration": .bool(context.configuration.registration),
            "reset": .bool(ResetPage.isAvailable(context.configuration)),
            // The sign-up link carries `next` too, so a new user also lands where they were going.
            "next_query": .string(next == "/" ? "" : "?next=" + PercentEncoding.queryValue(next)),
        ]
        if let error { values["error"] = .string(error) }
        return context.page("login", status: status, values)
    }
}
