import Glibc

// The parts of Supervisor that only `gatehouse serve` and the tests use, kept out of the
// files `gatehouse-supervisor` compiles too (String equality and CommandLine need the
// full Swift runtime).

extension Supervisor {
    /// The path of the running binary.
    package static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
