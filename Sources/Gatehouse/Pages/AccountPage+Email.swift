extension AccountPage {
    /// The template values of the user's address on /account: the address and whether it
    /// is confirmed, the one waiting for its link, and whether this site can mail links.
    static func emailValues(_ context: RequestContext, userID: Int) throws -> TemplateObject {
        var values: TemplateObject = ["can_change_email": .bool(context.configuration.publicURL != nil)]
        if let current = try UserStore(database: context.database).emails(userIDs: [userID])[userID] {
            values["email"] = .string(current.address)
            values["email_confirmed"] = .bool(current.confirmed)
        }
        if let pending = try AddressConfirmations(database: context.database).pending(userID: userID) {
            values["email_pending"] = .string(pending)
        }
        return values
    }

    /// `POST /account/email` (`email`): mails a confirmation link to the new address, which
    /// becomes the user's only when the link is followed; the current one stays until then.
    /// A sensitive action (re-confirmed within REAUTH_WINDOW): whoever controls the address
    /// can reset the password.
    ///
    /// An address another user holds gets the same answer and the same link, so this form
    /// tells nobody which addresses have accounts; only the mailbox's owner, following the
    /// link, learns that the address is taken — and they are its holder.
    static func changeEmail(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: "/account")
        guard let site = context.configuration.publicURL else {
            return try render(&context, error: "This site sends no mail links (PUBLIC_URL is not set), so an administrator sets addresses here. Nothing was changed.",
                              status: .badRequest)
        }
        let typed = fields["email"] ?? ""
        guard let address = MailAddress(typed) else {
            return try render(&context, error: (MailAddress.problem(typed) ?? "That is not an email address.") + " Nothing was changed.",
                              status: .badRequest)
        }
        let database = context.database
        if let current = try UserStore(database: database).emails(userIDs: [user.id])[user.id], current.confirmed,
           current.address.lowercased() == address.text.lowercased() {
            return .redirect(to: "/account?flash=email-unchanged")
        }
        let name = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
        let sent = try database.transaction { () throws -> Bool in
            guard let token = try AddressConfirmations(database: database).request(userID: user.id, address: address) else { return false }
            try context.queueMail(.confirmEmail, to: address, name: name, values: [
                "username": .string(user.username),
                "link": .string(site + "/auth/confirm-email/" + token.text),
                "hours": .int(AddressConfirmations.lifetime / 3600),
            ])
            return true
        }
        guard sent else {
            var page = try render(&context, error: "You asked for \(AddressConfirmations.hourlyLimit) links within the hour. Please wait before asking again. Nothing was changed.",
                                  status: .tooManyRequests)
            page.headers.append(("Retry-After", "3600"))
            return page
        }
        context.audit.record("email_change_requested", username: user.username, address: context.clientAddress, detail: "email=\(address.text)")
        return .redirect(to: "/account?flash=email-link-sent")
    }
}
