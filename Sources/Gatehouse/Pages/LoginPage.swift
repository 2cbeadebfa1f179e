/// `GET /auth` shows the sign-in form; `POST /auth` checks the credentials.
enum LoginPage {
    /// The one message for an unknown user and a wrong password alike.
    static let failureMessage = "Incorrect username or password."

    static func show(_ context: inout RequestContext) throws -> Response {
        try context.requireAnonymous()
        return form(context, next: SafeRedirect.target(context.request.queryItems["next"]))
    }

    static func submit(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let username = fields["username"] ?? ""
        let password = fields["password"] ?? ""
        let next = SafeRedirect.target(fields["next"])
        guard PasswordRules.isSubmittable(password) else {
            throw HTTPError(.badRequest, "The password is too long (more than 1024 characters).")
        }
        guard Username.isValid(username) else {
            // No such user can exist, so nothing is counted or hashed.
            throw HTTPError(.badRequest, "A username is 1 to 20 letters, digits or _ . @ - characters.")
        }
        // A full hashing pool refuses at once (503), before the throttle's and the
        // credentials' queries: nothing is judged, so nothing is counted.
        try HashingPool.shared.requireRoom()
        let address = context.clientAddress
        let throttle = LoginThrottle(database: context.database, configuration: context.configuration)
        if case .locked(let limit) = try throttle.check(username: username, address: address) {
            // Refused before the password is looked at: even the right one waits.
            context.application.metrics.recordLogin("locked")
            context.audit.record("login_locked", username: username, address: address, detail: "limit=\(limit)")
            let minutes = max(1, context.configuration.loginFailureWindow / 60)
            var page = form(context, next: next, username: username,
                            error: "Too many failed sign-in attempts. Please wait up to \(minutes) minutes and try again.",
                            status: .tooManyRequests)
            page.headers.append(("Retry-After", String(context.configuration.loginFailureWindow)))
            return page
        }
        let authenticator = Authenticator(context: context)
        guard let userID = try authenticator.verify(username: username, password: password) else {
            try throttle.recordFailure(username: username, address: address)
            context.application.metrics.recordLogin("failure")
            context.audit.record("login_failure", username: username, address: address)
            return form(context, next: next, username: username, error: failureMessage, status: .unauthorized)
        }
        try throttle.clear(username: username, address: address)
        try context.startSession(userID: userID)
        context.application.metrics.recordLogin("success")
        context.audit.record("login_success", username: username, address: address)
        return .redirect(to: next)
    }

    private static func form(_ context: RequestContext, next: String, username: String = "", error: String? = nil, status: HTTPStatus = .ok) -> Response {
        var values: TemplateObject = [
            "next": .string(next),
            "username": .string(username),
            "registration": .bool(context.configuration.registration),
        ]
        if let error { values["error"] = .string(error) }
        return context.page("login", status: status, values)
    }
}
