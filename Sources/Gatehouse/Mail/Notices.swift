/// The mails that tell a user their account changed: password, address, second factors,
/// a recovery code used. Each is queued on the caller's connection, so inside the
/// transaction of the change it tells of; each goes only to a confirmed address (a user
/// without one is not written to) and holds no secret: no code, token or password.
enum Notices {
    /// What happened to the second factors, in words for the mail.
    enum FactorChange: Sendable {
        case appAdded, appRemoved
        case passkeyAdded(name: String), passkeyRemoved(name: String)
        case recoveryCodesRenewed
        /// Every factor removed by an administrator (or `gatehouse user mfa --reset`).
        case allRemoved(by: String)

        var sentence: String {
            switch self {
            case .appAdded: "An authenticator app was added: sign-ins now ask for its code."
            case .appRemoved: "The authenticator app was removed."
            case .passkeyAdded(let name): "A passkey named \u{201C}\(name)\u{201D} was added."
            case .passkeyRemoved(let name): "The passkey named \u{201C}\(name)\u{201D} was removed."
            case .recoveryCodesRenewed: "New recovery codes were made; the old ones no longer work."
            case .allRemoved(let by): "Every second factor and recovery code was removed by \(by)."
            }
        }
    }

    /// Where a notice is written from: the templates, MAIL_FROM and PUBLIC_URL, and the
    /// connection of the change.
    struct Sender {
        let templates: MailTemplates
        let configuration: Configuration
        let database: DatabaseConnection
        let metrics: Metrics?

        init(templates: MailTemplates, configuration: Configuration, database: DatabaseConnection, metrics: Metrics? = nil) {
            self.templates = templates
            self.configuration = configuration
            self.database = database
            self.metrics = metrics
        }

        init(_ context: RequestContext) {
            self.init(templates: context.application.mailTemplates, configuration: context.configuration,
                      database: context.database, metrics: context.application.metrics)
        }

        /// Queues `kind` to `userID`'s confirmed address, if any, with the account's
        /// username, the site and the time besides `values`.
        /// - Returns: whether a mail was queued.
        @discardableResult
        func notify(_ kind: MailKind, userID: Int, values: TemplateObject = [:]) throws -> Bool {
            guard let recipient = try UserStore(database: database).noticeRecipient(userID: userID) else { return false }
            try queue(kind, to: recipient.address, name: recipient.name, username: recipient.username, values: values)
            return true
        }

        /// Queues `kind` to `address` for the account `username`.
        func queue(_ kind: MailKind, to address: MailAddress, name: String?, username: String, values: TemplateObject) throws {
            var model = values
            model["username"] = .string(username)
            model["site"] = .string(configuration.publicURL ?? "this site")
            model["when"] = .string(try database.query(
                "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')").scalar() ?? "")
            try templates.queue(kind, from: configuration.mail.sender, to: address, name: name?.isEmpty == true ? nil : name,
                                values: model, on: database, metrics: metrics)
        }
    }

    /// Tells `previous`, the address just replaced, that `username`'s address changed.
    static func emailChanged(_ context: RequestContext, userID: Int, username: String, told previous: MailAddress) throws {
        try Sender(context).queue(.emailChanged, to: previous, name: nil, username: username, values: [:])
    }

    /// Tells the user their password changed.
    static func passwordChanged(_ context: RequestContext, userID: Int) throws {
        try Sender(context).notify(.passwordChanged, userID: userID)
    }

    /// Tells the user their second factors changed.
    static func factorChanged(_ context: RequestContext, userID: Int, _ change: FactorChange) throws {
        try Sender(context).notify(.factorChanged, userID: userID, values: ["change": .string(change.sentence)])
    }

    /// Uses up `typed` if it is one of the user's recovery codes and, in the same
    /// transaction, tells the user and how many are left.
    /// - Returns: whether it was a code of theirs.
    static func useRecoveryCode(_ context: RequestContext, userID: Int, typed: String) throws -> Bool {
        let codes = RecoveryCodes(database: context.database)
        return try context.database.transaction {
            guard try codes.consume(userID: userID, typed: typed) else { return false }
            try Sender(context).notify(.recoveryCodeUsed, userID: userID, values: ["left": .int(try codes.remaining(userID: userID))])
            return true
        }
    }
}
