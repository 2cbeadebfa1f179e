import Gatehouse
import Glibc

/// `gatehouse serve`: parse templates, migrate, then supervise worker processes that
/// answer FastCGI requests until SIGTERM. A worker is this same command re-executed by
/// the supervisor with `GATEHOUSE_WORKER=1` and the listening socket on fd 0.
enum ServeCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard arguments.isEmpty else { throw UsageError(message: "serve takes no arguments") }
        let restarts = getenv("GATEHOUSE_WORKER_RESTARTS").flatMap { Int(String(cString: $0)) } ?? 0
        let application: Application
        do {
            application = try Application(configuration: configuration, metrics: Metrics(workerRestarts: restarts))
        } catch {
            // A template syntax error stops start-up, naming file and line.
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
        do {
            if getenv("GATEHOUSE_WORKER").map({ String(cString: $0) }) == "1" {
                try Server.run(application: application)
                return ExitStatus.ok
            }
            // Migrate before answering; with the database down, start anyway (pages answer
            // 503) and let each worker's maintenance thread migrate once it is back.
            do {
                try Migrations.run(on: DatabaseConnection(configuration: configuration))
            } catch {
                printError("gatehouse: migrations postponed: \(error)")
            }
            let supervisor = Supervisor(configuration: configuration, executable: Supervisor.currentExecutable(),
                                        arguments: Array(CommandLine.arguments.dropFirst()))
            try supervisor.run()
        } catch {
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
        return ExitStatus.ok
    }
}
