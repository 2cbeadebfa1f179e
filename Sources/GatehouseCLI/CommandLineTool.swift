import Gatehouse
import Glibc

/// Exit statuses SPEC.md fixes for the command line.
enum ExitStatus {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let config: Int32 = 78
}

/// A command line mistake: printed with the usage text, exit 2.
struct UsageError: Error {
    let message: String
}

/// A command that could not do its work: printed, exit 1.
struct CommandFailure: Error {
    let message: String
}

/// Parses the global options, loads the configuration and dispatches to a command.
enum CommandLineTool {
    static let usage = """
        usage: gatehouse COMMAND [--env-file PATH]   (--env-file may stand anywhere)
               gatehouse --version           print the version and exit
          serve                         run the FastCGI responder
          cgi                           answer one request as a CGI program (what a bare
                                        `gatehouse` does when a web server runs it as CGI)
          migrate                       create or upgrade the database schema
          check-config                  validate the configuration and print it
          user add NAME [--first-name F] [--last-name L] [--scope S]... [--email E]
          user email NAME ADDRESS       set a user's email address (counts as confirmed)
          user passwd NAME              set a password (prompt, or one line of stdin)
          user scope NAME +S -S ...     add or remove scopes
          user list [--search Q] [--after NAME | --before NAME] [--limit N] [--count]
                                        50 users a page by username; Q: username or name prefix
          user remove NAME
          user mfa NAME --reset         remove every second factor (app, passkeys) and recovery code
          session list [NAME] | session revoke NAME|--all | session purge
          mail list [--all]             mail waiting or failed (--all: sent too)
        """

    /// Runs the command line and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        // The global option may stand anywhere: `gatehouse check-config --env-file F` must
        // check F, not quietly check ./.env and call it ok.
        var options = OptionParser(arguments)
        let envFile: String?
        do {
            envFile = try options.value("--env-file")
        } catch {
            return usageFailure(error.message)
        }
        var rest = options.remaining
        // Like --env-file, --version may stand anywhere, and it needs no configuration:
        // a package's maintainer script or an operator asks before anything is set up.
        if rest.contains("--version") {
            print("gatehouse \(GatehouseVersion.current)")
            return ExitStatus.ok
        }
        var environment = ProcessEnvironment.current()
        if rest.isEmpty {
            // Web servers start their programs without arguments: a CGI request, or a
            // FastCGI socket on fd 0 (spawn-fcgi, mod_fcgid).
            if CGIResponder.isCGIRequest(environment: environment) {
                rest = ["cgi"]
            } else if StandardInput.isListeningSocket {
                rest = ["serve"]
                environment["LISTEN"] = "stdin"
            }
        }
        guard let command = rest.first else { return usageFailure(nil) }
        if command == "help" || command == "--help" || command == "-h" {
            print(usage)
            return ExitStatus.ok
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(envFile: envFile, environment: environment)
        } catch {
            printError(error.description)
            if command == "cgi" { CGIResponder.answerUnavailable() }
            return ExitStatus.config
        }
        for warning in configuration.warnings {
            printError("warning: \(warning)")
        }
        let arguments = Array(rest.dropFirst())
        do {
            switch command {
            case "serve": return try ServeCommand.run(configuration, arguments)
            case "cgi":
                guard arguments.isEmpty else { throw UsageError(message: "cgi takes no arguments") }
                return CGIResponder.run(configuration: configuration, environment: environment)
            case "migrate": return try MigrateCommand.run(configuration, arguments)
            case "check-config": return try CheckConfigCommand.run(configuration, arguments)
            case "user": return try UserCommand.run(configuration, arguments)
            case "session": return try SessionCommand.run(configuration, arguments)
            case "mail": return try MailCommand.run(configuration, arguments)
            case "bench-pbkdf2": return try BenchPBKDF2Command.run(configuration, arguments)
            default: return usageFailure("unknown command \(command)")
            }
        } catch let error as UsageError {
            return usageFailure(error.message)
        } catch let error as CommandFailure {
            printError("gatehouse: \(error.message)")
            return ExitStatus.failure
        } catch let error as UserStore.Failure {
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        } catch let error as DatabaseError {
            printError("gatehouse: database: \(error)")
            return ExitStatus.failure
        } catch {
            printError("gatehouse: \(error)")
            return ExitStatus.failure
        }
    }

    private static func usageFailure(_ message: String?) -> Int32 {
        if let message { printError("gatehouse: \(message)") }
        printError(usage)
        return ExitStatus.usage
    }
}

/// Writes a line to stderr.
func printError(_ text: String) {
    // One write(2), so a line never interleaves with the library's log lines.
    var bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
