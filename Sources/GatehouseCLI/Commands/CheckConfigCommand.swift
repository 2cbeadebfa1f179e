import Gatehouse

/// `gatehouse check-config`: the configuration loaded without error and the templates
/// parse; print it, secrets hidden.
enum CheckConfigCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        // An argument it ignored would let a typo pass as a checked configuration.
        guard arguments.isEmpty else { throw UsageError(message: "check-config takes no arguments") }
        print(configuration.redactedDescription())
        // serve parses the templates before anything else; a check that skipped them
        // would call a configuration ok that serve then refuses.
        guard StartupTemplates.load(configuration) != nil else { return ExitStatus.config }
        print("configuration ok")
        return ExitStatus.ok
    }
}
