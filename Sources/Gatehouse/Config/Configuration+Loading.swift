import Glibc

extension Configuration {
    /// Largest dotenv file read; anything bigger is certainly not a settings file.
    static let maxEnvFileBytes = 1 << 20

    /// `load(envFile:environment:)` with the default file path and core count
    /// injectable, so tests neither depend on the working directory nor the machine.
    static func load(
        envFile: String?, environment: [String: String],
        defaultEnvFile: String, onlineCores: Int
    ) throws(ConfigurationError) -> Configuration {
        let path: String
        let sourceKey: String
        let required: Bool
        if let envFile {
            guard !envFile.isEmpty else {
                throw ConfigurationError(key: "--env-file", message: "expected a file path, got \"\"")
            }
            (path, sourceKey, required) = (envFile, "--env-file", true)
        } else if let named = environment["GATEHOUSE_ENV_FILE"], !named.isEmpty {
            (path, sourceKey, required) = (named, "GATEHOUSE_ENV_FILE", true)
        } else {
            (path, sourceKey, required) = (defaultEnvFile, "GATEHOUSE_ENV_FILE", false)
        }

        var values: [String: String] = [:]
        var warnings: [String] = []
        if let text = try readEnvFile(path, key: sourceKey, required: required) {
            var reported: Set<String> = []
            for (key, value) in try DotEnv.parse(text, file: path) {
                if knownKeys.contains(key) {
                    values[key] = value
                } else if reported.insert(key).inserted {
                    warnings.append("unknown configuration key \(key) in \(path)")
                }
            }
        }
        for key in knownKeys {
            if let value = environment[key] { values[key] = value }
        }
        for key in environment.keys.sorted()
        where key.hasPrefix("GATEHOUSE_") && key != "GATEHOUSE_ENV_FILE" && !key.hasPrefix("GATEHOUSE_WORKER") {
            warnings.append("unknown configuration key \(key) in the environment")
        }

        var configuration = try validated(values, onlineCores: onlineCores)
        configuration.warnings = warnings + configuration.warnings
        return configuration
    }

    /// The file's text; `nil` when it is missing and not `required`.
    /// - Throws: `ConfigurationError` with `key` when it cannot be read or is not UTF-8.
    static func readEnvFile(_ path: String, key: String, required: Bool)
        throws(ConfigurationError) -> String?
    {
        func failure(_ why: String) -> ConfigurationError {
            ConfigurationError(key: key, message: "cannot read env file \(path): \(why)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT, !required { return nil }
            throw failure(errorText(code))
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw failure(errorText(code))
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maxEnvFileBytes else {
                throw failure("larger than \(maxEnvFileBytes) bytes")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw failure("not valid UTF-8")
        }
        return text
    }

    /// `strerror` text for an `errno` value.
    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
