import Gatehouse

/// `gatehouse check-config`: the configuration loaded without error and the templates
/// parse; print it, secrets hidden.
enum CheckConfigCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) -> Int32 {
        print(configuration.redactedDescription())
        // serve parses the templates before anything else; a check that skipped them
        // would call a configuration ok that serve then refuses.
        guard StartupTemplates.load(configuration) != nil else { return ExitStatus.config }
        print("configuration ok")
        return ExitStatus.ok
    }
}
