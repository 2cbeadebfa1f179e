import Gatehouse
import Glibc

/// `gatehouse serve`: parse templates, migrate, then supervise worker processes that
/// answer FastCGI requests until SIGTERM. A worker is this same command re-executed by
/// the supervisor with `GATEHOUSE_WORKER=1` and the listening socket on fd 0; it also
/// passes the shared `/metrics` counters, its own pid and a pipe to report readiness on
/// (`GATEHOUSE_WORKER_METRICS`, `GATEHOUSE_WORKER_SUPERVISOR`, `GATEHOUSE_WORKER_READY`).
enum ServeCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard arguments.isEmpty else { throw UsageError(message: "serve takes no arguments") }
        let metrics = workerSetting("METRICS").flatMap { Int32($0) }.map(Metrics.inherited) ?? Metrics()
        // A template syntax error stops start-up, naming file and line.
        guard let templates = StartupTemplates.load(configuration) else { return ExitStatus.config }
        let application = Application(configuration: configuration, templates: templates.pages, mailTemplates: templates.mail,
                                      metrics: metrics)
        do {
            if workerSetting("") == "1" {
                try Server.run(application: application, supervisor: workerSetting("SUPERVISOR").flatMap { Int32($0) },
                               ready: workerSetting("READY").flatMap { Int32($0) })
                return ExitStatus.ok
            }
            // Migrate before answering; with the database down, start anyway (pages answer
            // 503) and let each worker's maintenance thread migrate once it is back.
            do {
                try Migrations.run(on: DatabaseConnection(configuration: configuration))
            } catch {
                printError("gatehouse: migrations postponed: \(error)")
            }
            try Server.supervise(configuration: configuration, arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
        return ExitStatus.ok
    }

    /// `GATEHOUSE_WORKER` (`name` empty) or `GATEHOUSE_WORKER_<name>` from the environment.
    private static func workerSetting(_ name: String) -> String? {
        getenv(name.isEmpty ? "GATEHOUSE_WORKER" : "GATEHOUSE_WORKER_" + name).map { String(cString: $0) }
    }
}
