/// The notices of changes made with `gatehouse user …`: the same mails as on the web,
/// queued in the command's transaction. The mail templates are read only when a notice is
/// due (a user with a confirmed address), so commands on users without one work as before.
public struct CommandLineNotices {
    let configuration: Configuration
    let database: DatabaseConnection

    public init(configuration: Configuration, database: DatabaseConnection) {
        self.configuration = configuration
        self.database = database
    }

    /// Tells `userID` their password changed; call inside the change's transaction.
    public func passwordChanged(userID: Int) throws {
        try sender(for: userID)?.notify(.passwordChanged, userID: userID)
    }

    /// Tells `userID` every second factor was removed (`user mfa --reset`).
    public func factorsReset(userID: Int) throws {
        try sender(for: userID)?.notify(.factorChanged, userID: userID,
                                        values: ["change": .string(Notices.FactorChange.allRemoved(by: "an administrator (on the server)").sentence)])
    }

    /// Tells the previous address of `change`, if it was confirmed, that it was replaced.
    public func emailChanged(_ change: UserStore.EmailChange) throws {
        guard let previous = change.previousToTell else { return }
        try Notices.Sender(templates: try MailTemplates(directory: configuration.mailTemplatesDir), configuration: configuration,
                           database: database).queue(.emailChanged, to: previous, name: nil, username: change.username, values: [:])
    }

    /// A sender when `userID` has a confirmed address; the templates are parsed then.
    private func sender(for userID: Int) throws -> Notices.Sender? {
        guard try UserStore(database: database).noticeRecipient(userID: userID) != nil else { return nil }
        return Notices.Sender(templates: try MailTemplates(directory: configuration.mailTemplatesDir), configuration: configuration,
                              database: database)
    }
}
