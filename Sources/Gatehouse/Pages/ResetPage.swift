/// Password reset by mail (SPEC "Mail: addresses, reset, notifications"), when PUBLIC_URL
/// is set (links need the site's own origin; never the request's Host, which a visitor
/// chooses): `/auth/reset` asks for a link, `/auth/reset/<token>` is the link.
enum ResetPage {
    /// Whether the pages exist and the sign-in page offers them.
    static func isAvailable(_ configuration: Configuration) -> Bool {
        configuration.publicURL != nil
    }

    /// `GET /auth/reset`: the form (anyone may ask, signed in or not).
    static func show(_ context: inout RequestContext) throws -> Response {
        try requireAvailable(context)
        return form(context)
    }

    /// `POST /auth/reset` (`login`): records the request and gives the one answer, the same
    /// page in the same time whatever was typed (`PasswordResetRequests`).
    static func submit(_ context: inout RequestContext) throws -> Response {
        try requireAvailable(context)
        let fields = try context.form()
        let login = fields["login"] ?? ""
        if let problem = PasswordResetRequests.problem(with: login) {
            return form(context, login: String(login.prefix(PasswordResetRequests.longestLogin)), error: problem, status: .badRequest)
        }
        if let wait = try PasswordResetRequests(database: context.database).record(login: login, address: context.clientAddress) {
            var page = form(context, login: login, error: "Too many requests from your network. Please try again in \(max(1, wait / 60)) minutes.",
                            status: .tooManyRequests)
            page.headers.append(("Retry-After", String(wait)))
            return page
        }
        context.audit.record("password_reset_requested", username: nil, address: context.clientAddress)
        return context.page("reset", ["sent": true, "minutes": .int(minutes(context))])
    }

    /// `GET /auth/reset/<token>`: the new-password form, if the link is good.
    static func showLink(_ context: inout RequestContext) throws -> Response {
        try requireAvailable(context)
        let token = try linkToken(context)
        guard case .valid(_, let username, _, _) = try PasswordResetLinks(database: context.database).state(of: token) else {
            throw try refusal(token, context)
        }
        return passwordForm(context, token: token, username: username)
    }

    /// `POST /auth/reset/<token>` (`new_password`, `new_password2`): sets the password, uses
    /// the link (and every other open link of the user), tells the user by mail, ends every
    /// session of the user (the visitor's own too), then sends the visitor to sign in,
    /// second factor and all.
    static func useLink(_ context: inout RequestContext) throws -> Response {
        try requireAvailable(context)
        let fields = try context.form()
        let token = try linkToken(context)
        let links = PasswordResetLinks(database: context.database)
        guard case .valid(let userID, let username, let firstName, let lastName) = try links.state(of: token) else {
            throw try refusal(token, context)
        }
        let new = fields["new_password"] ?? ""
        guard PasswordRules.isSubmittable(new) else { throw HTTPError(.badRequest, "The password is too long. Nothing was changed.") }
        if let problem = PasswordRules.problem(
            with: new, repeated: fields["new_password2"] ?? "", minimumScore: context.configuration.passwordMinScore,
            userWords: [username, firstName, lastName]) {
            return passwordForm(context, token: token, username: username, error: problem, status: .badRequest)
        }
        let hasher = PasswordHasher(iterations: context.configuration.pbkdf2Iterations)
        let hash = try HashingPool.shared.run { hasher.hash(new) }
        let database = context.database
        // Used, set and signed out together: a link presented twice at once sets one password.
        let ended = try database.transaction { () throws -> Int? in
            guard try links.use(token) == userID else { return nil }
            try UserStore(database: database).setPassword(userID: userID, hash)
            try Notices.passwordChanged(context, userID: userID)
            return try SessionAdmin(database: database).revokeAll(userID: userID)
        }
        guard let ended else { throw HTTPError(.badRequest, usedMessage) }
        context.sessionToken = SessionToken.generate()
        context.audit.record("password_reset", username: username, address: context.clientAddress, detail: "sessions_ended=\(ended)")
        return .redirect(to: "/auth?flash=password-reset")
    }

    static let usedMessage = "This link was already used, or replaced by a newer one. Nothing was changed. Ask for a new link if you still need one."

    /// 404 without PUBLIC_URL, as if the pages did not exist.
    private static func requireAvailable(_ context: RequestContext) throws {
        guard isAvailable(context.configuration) else { throw HTTPError(.notFound, "There is no page at this address.") }
    }

    /// The token in the path's last segment; 400 for anything that cannot be one.
    private static func linkToken(_ context: RequestContext) throws -> LinkToken {
        let path = context.request.path
        guard let slash = path.lastIndex(of: "/"), let token = LinkToken(String(path[path.index(after: slash)...])) else {
            throw HTTPError(.badRequest, "This link is broken: it may have been cut short when copied. Nothing was changed. Open it from the mail again, or ask for a new one.")
        }
        return token
    }

    /// The 400 page for a well-formed link that opens nothing.
    private static func refusal(_ token: LinkToken, _ context: RequestContext) throws -> HTTPError {
        if try PasswordResetLinks(database: context.database).state(of: token) == .expired {
            return HTTPError(.badRequest, "This link has expired: links work for \(minutes(context)) minutes. Nothing was changed. Ask for a new one.")
        }
        return HTTPError(.badRequest, usedMessage)
    }

    private static func minutes(_ context: RequestContext) -> Int {
        (context.configuration.mail.resetMaxAge + 59) / 60
    }

    private static func form(_ context: RequestContext, login: String = "", error: String? = nil, status: HTTPStatus = .ok) -> Response {
        var values: TemplateObject = ["login": .string(login)]
        if let error { values["error"] = .string(error) }
        return context.page("reset", status: status, values)
    }

    private static func passwordForm(_ context: RequestContext, token: LinkToken, username: String, error: String? = nil,
                                     status: HTTPStatus = .ok) -> Response {
        var values: TemplateObject = ["token": .string(token.text), "username": .string(username)]
        if let error { values["error"] = .string(error) }
        return context.page("reset_password", status: status, values)
    }
}
