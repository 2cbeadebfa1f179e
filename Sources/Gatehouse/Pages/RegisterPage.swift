/// `/auth/register` when REGISTRATION=on (else 404): new users get scope `authenticated`
/// and are signed in. With mail on (PUBLIC_URL), an optional address gets a confirmation
/// link (`RegisterPage+Email`) and counts once it is followed.
enum RegisterPage {
    /// The answer for a name in use, in any case.
    static let taken = "That username is taken. Please choose another."

    static func show(_ context: inout RequestContext) throws -> Response {
        try requireEnabled(context)
        try context.requireAnonymous()
        return form(context, FormFields(), next: context.safeNext(context.request.queryItems["next"]))
    }

    static func submit(_ context: inout RequestContext) throws -> Response {
        try requireEnabled(context)
        let fields = try context.form()
        try context.requireAnonymous()
        let username = fields["username"] ?? ""
        let firstName = fields["first_name"] ?? ""
        let lastName = fields["last_name"] ?? ""
        let password = fields["password"] ?? ""
        let next = context.safeNext(fields["next"])
        let typedEmail = offersEmail(context) ? fields["email"] ?? "" : ""
        guard PasswordRules.isSubmittable(password) else {
            throw HTTPError(.badRequest, "The password is too long.")
        }
        var problem: String?
        if !Username.isValid(username) {
            problem = "A username is 1 to 20 letters, digits or _ . @ - characters."
        } else if !PersonName.fits(firstName) || !PersonName.fits(lastName) {
            problem = "Names are at most 50 characters."
        } else if !typedEmail.isEmpty, let why = MailAddress.problem(typedEmail) {
            problem = why + " Leave the address empty to add one later."
        } else {
            problem = PasswordRules.problem(
                with: password, repeated: fields["password2"] ?? "", minimumScore: context.configuration.passwordMinScore,
                userWords: [username, firstName, lastName])
        }
        if let problem {
            return form(context, fields, next: next, error: problem, status: .badRequest)
        }
        // A full hashing pool refuses at once (503), before a sign-up place is taken.
        try HashingPool.shared.requireRoom()
        if let wait = try RegistrationThrottle(database: context.database).reserve(address: context.clientAddress) {
            var page = form(context, fields, next: next, error: "Too many sign-ups from your network. Please try again in \(max(1, wait / 60)) minutes.",
                            status: .tooManyRequests)
            page.headers.append(("Retry-After", String(wait)))
            return page
        }
        let users = UserStore(database: context.database)
        // Checked again, race-free, when the row is inserted; this spares the hash.
        if try users.holder(of: username) != nil {
            return form(context, fields, next: next, error: Self.taken, status: .badRequest)
        }
        let hasher = PasswordHasher(iterations: context.configuration.pbkdf2Iterations)
        let hash = try HashingPool.shared.run { hasher.hash(password) }
        let userID: Int
        do {
            userID = try users.add(
                username: username, firstName: firstName.isEmpty ? nil : firstName,
                lastName: lastName.isEmpty ? nil : lastName, scopes: [], password: hash)
        } catch UserStore.Failure.exists {
            return form(context, fields, next: next, error: Self.taken, status: .badRequest)
        }
        try context.startSession(userID: userID)
        context.audit.record("user_registered", username: username, address: context.clientAddress)
        let linkSent = try MailAddress(typedEmail).map { address in
            try sendConfirmation(context, userID: userID, username: username, name: [firstName, lastName], to: address)
        } ?? false
        // Back where the visitor was going (an app on another host, say), else the welcome.
        var response = Response.redirect(to: next == "/" ? (linkSent ? "/?flash=welcome-email" : "/?flash=welcome") : next)
        response.cookies.append(context.deviceCookie(for: userID, known: nil))
        return response
    }

    private static func requireEnabled(_ context: RequestContext) throws {
        guard context.configuration.registration else {
            throw HTTPError(.notFound, "There is no page at this address.")
        }
    }

    private static func form(_ context: RequestContext, _ fields: FormFields, next: String, error: String? = nil,
                             status: HTTPStatus = .ok) -> Response {
        var values: TemplateObject = [
            "next": .string(next),
            "next_query": .string(next == "/" ? "" : "?next=" + PercentEncoding.queryValue(next)),
            "username": .string(fields["username"] ?? ""),
            "first_name": .string(fields["first_name"] ?? ""),
            "last_name": .string(fields["last_name"] ?? ""),
            "offers_email": .bool(offersEmail(context)),
            "email": .string(fields["email"] ?? ""),
        ]
        if let error { values["error"] = .string(error) }
        return context.page("register", status: status, values)
    }
}
