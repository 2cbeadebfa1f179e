import Gatehouse

/// `gatehouse migrate`: bring the schema up to date (idempotent, advisory-locked).
enum MigrateCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard arguments.isEmpty else { throw UsageError(message: "migrate takes no arguments") }
        let database = DatabaseConnection(configuration: configuration)
        let applied = try Migrations.run(on: database)
        if applied.isEmpty {
            print("schema is up to date (version \(Migrations.latestVersion))")
        } else {
            print("applied migrations \(applied.map(String.init).joined(separator: ", ")); schema at version \(Migrations.latestVersion)")
        }
        return ExitStatus.ok
    }
}
