import Gatehouse

/// `gatehouse mail list [--all]`: the outbox, waiting and failed mail (with `--all`, sent too).
enum MailCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard arguments.first == "list", arguments.count <= 2, arguments.count == 1 || arguments[1] == "--all" else {
            throw UsageError(message: "usage: mail list [--all]")
        }
        let entries = try Outbox.list(on: DatabaseConnection(configuration: configuration), includeSent: arguments.count == 2)
        let rows = entries.map { entry in
            [String(entry.id), entry.state, entry.createdAt, entry.recipient, entry.subject, String(entry.attempts),
             entry.state == "waiting" ? entry.nextAttemptAt : "", entry.lastError ?? ""]
        }
        print(Table.render(header: ["ID", "STATE", "QUEUED", "TO", "SUBJECT", "ATTEMPTS", "NEXT TRY", "LAST ERROR"], rows: rows))
        return ExitStatus.ok
    }
}
