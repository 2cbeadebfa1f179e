extension RegisterPage {
    /// Whether the form asks for an address: only when mail can carry a link back
    /// (PUBLIC_URL set); SPEC's `email` field "when mail is configured".
    static func offersEmail(_ context: RequestContext) -> Bool {
        context.configuration.publicURL != nil
    }

    /// Mails the new user a confirmation link for `address`, in one transaction with the
    /// link's row. An address another user holds gets a link like any other (the form must
    /// not tell who has an account); following it is refused.
    /// - Returns: whether a link was queued.
    static func sendConfirmation(_ context: RequestContext, userID: Int, username: String, name: [String],
                                 to address: MailAddress) throws -> Bool {
        guard let site = context.configuration.publicURL else { return false }
        let database = context.database
        let sent = try database.transaction { () throws -> Bool in
            guard let token = try AddressConfirmations(database: database).request(userID: userID, address: address) else { return false }
            try context.queueMail(.confirmEmail, to: address, name: name.filter { !$0.isEmpty }.joined(separator: " "), values: [
                "username": .string(username),
                "link": .string(site + "/auth/confirm-email/" + token.text),
                "hours": .int(AddressConfirmations.lifetime / 3600),
            ])
            return true
        }
        if sent {
            context.audit.record("email_change_requested", username: username, address: context.clientAddress,
                                 detail: "email=\(address.text) at=registration")
        }
        return sent
    }
}
