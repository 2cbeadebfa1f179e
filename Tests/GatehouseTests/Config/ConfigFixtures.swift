import Glibc
@testable import Gatehouse

/// Helpers shared by the configuration tests: temporary env files and a loader that
/// never touches the working directory's `.env`.
enum ConfigFixtures {
    /// A valid 32-byte secret.
    static let secret = "0123456789abcdef0123456789abcdef"

    /// Writes `text` to a fresh file under /tmp and returns its path.
    static func writeEnvFile(_ text: String) -> String {
        var template = Array("/tmp/gatehouse-config-test-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(descriptor >= 0, "mkstemp failed")
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write")
        close(descriptor)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A path under /tmp that does not exist.
    static func missingPath() -> String {
        let path = writeEnvFile("")
        unlink(path)
        return path
    }

    /// Loads with a nonexistent default `.env` and 4 online cores, so results do not
    /// depend on the machine or the working directory.
    static func load(
        envFile: String? = nil, _ environment: [String: String]
    ) throws(ConfigurationError) -> Configuration {
        try Configuration.load(
            envFile: envFile, environment: environment,
            defaultEnvFile: "/nonexistent/gatehouse-test/.env", onlineCores: 4)
    }

    /// The error `load` throws for `environment` (plus a valid secret unless given).
    static func error(_ environment: [String: String]) -> ConfigurationError? {
        var environment = environment
        if environment["SECRET_KEY"] == nil { environment["SECRET_KEY"] = secret }
        do {
            _ = try load(environment)
            return nil
        } catch {
            return error
        }
    }
}
