import Gatehouse

/// `gatehouse serve`: migrate, parse templates, then answer FastCGI requests until SIGTERM.
enum ServeCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard arguments.isEmpty else { throw UsageError(message: "serve takes no arguments") }
        let application: Application
        do {
            application = try Application(configuration: configuration)
        } catch {
            // A template syntax error stops start-up, naming file and line.
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
        // Migrate before answering; with the database down, start anyway (pages answer 503)
        // and let the maintenance thread migrate once it is back.
        do {
            try Migrations.run(on: DatabaseConnection(conninfo: configuration.databaseConnInfo))
        } catch {
            printError("gatehouse: migrations postponed: \(error)")
        }
        do {
            try Server.run(application: application)
        } catch {
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
        return ExitStatus.ok
    }
}
