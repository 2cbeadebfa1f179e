import Gatehouse

/// `gatehouse check-config`: the configuration loaded without error; print it, secrets hidden.
enum CheckConfigCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) -> Int32 {
        print(configuration.redactedDescription())
        print("configuration ok")
        return ExitStatus.ok
    }
}
