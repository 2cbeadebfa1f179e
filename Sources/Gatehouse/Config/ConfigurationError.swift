/// A configuration value that stops start-up: names the offending key and says why.
///
/// `key` is a configuration key (`SECRET_KEY`), the command-line option that named a
/// file (`--env-file`), or `FILE:LINE` for a syntax error in a dotenv file.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Process exit status for a configuration error (`EX_CONFIG` from sysexits.h).
    public static let exitCode: Int32 = 78

    /// The key, option or `FILE:LINE` the error is about.
    public var key: String
    /// What is wrong with it, in words a user can act on.
    public var message: String

    /// Creates an error about `key`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `invalid configuration: KEY: message`, the line printed before exiting with 78.
    public var description: String {
        "invalid configuration: \(key): \(message)"
    }
}
