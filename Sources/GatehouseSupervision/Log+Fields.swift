/// The form of `Log.event` the workers and the CLI call (not compiled into the supervisor).
extension Log {
    /// Logs `event` with its fields, sorted by key; values are quoted when needed.
    public static func event(_ event: String, _ fields: [String: String] = [:]) {
        writeLine(event, fields.sorted { $0.key < $1.key })
    }
}
