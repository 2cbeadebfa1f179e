import Gatehouse

/// `gatehouse session list [NAME] | revoke NAME|--all | purge`.
enum SessionCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard let action = arguments.first else { throw UsageError(message: "session needs list, revoke or purge") }
        let rest = Array(arguments.dropFirst())
        let database = DatabaseConnection(configuration: configuration)
        let sessions = SessionAdmin(database: database)
        switch action {
        case "list":
            guard rest.count <= 1 else { throw UsageError(message: "usage: session list [NAME]") }
            let rows = try sessions.list(username: rest.first).map { session in
                [String(session.id), session.username, session.createdAt, session.lastSeenAt, session.expiresAt, session.address, session.userAgent]
            }
            print(Table.render(header: ["ID", "USER", "CREATED", "LAST SEEN", "EXPIRES", "ADDRESS", "AGENT"], rows: rows))
        case "revoke":
            guard rest.count == 1, let target = rest.first else { throw UsageError(message: "usage: session revoke NAME|--all") }
            if target == "--all" {
                print("revoked \(try sessions.revokeAll()) session(s)")
            } else {
                guard try UserStore(database: database).find(username: target) != nil else { throw UserStore.Failure.unknown(target) }
                let count = try sessions.revoke(username: target)
                AuditLog(database: database).record("sessions_revoked", username: target, address: "cli", detail: "count=\(count)")
                print("revoked \(count) session(s) of \(target)")
            }
        case "purge":
            guard rest.isEmpty else { throw UsageError(message: "session purge takes no arguments") }
            let store = SessionStore(database: database, maxAge: configuration.sessionMaxAge,
                                     absoluteMaxAge: configuration.sessionAbsoluteMaxAge)
            print("purged \(try store.purgeExpired()) expired session(s)")
        default:
            throw UsageError(message: "unknown session action \(action)")
        }
        return ExitStatus.ok
    }
}
