import Gatehouse

/// `gatehouse bench-pbkdf2 [ITERATIONS [SECONDS]]` (hidden, for `make bench`): how many
/// PBKDF2-HMAC-SHA256 hashes one thread computes per second with libcrypto's
/// `PKCS5_PBKDF2_HMAC` and with Gatehouse's own loop.
///
/// `scripts/bench.sh` prints these beside the hardware bound from `openssl speed`.
/// Prints one line: `iterations=N reference=X/s fast=Y/s equal=yes`.
enum BenchPBKDF2Command {
    /// The derived key length Gatehouse stores (SHA-256 output size).
    private static let keyLength = 32

    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        let usage = "usage: bench-pbkdf2 [ITERATIONS [SECONDS]]"
        guard arguments.count <= 2 else { throw UsageError(message: usage) }
        var iterations = configuration.pbkdf2Iterations
        if let text = arguments.first {
            guard let value = Int(text), value >= 1, value <= Int(Int32.max) else { throw UsageError(message: usage) }
            iterations = value
        }
        var seconds = 3.0
        if arguments.count == 2 {
            guard let value = Double(arguments[1]), value > 0, value <= 600 else { throw UsageError(message: usage) }
            seconds = value
        }
        let password = Array("correct horse battery staple".utf8)
        let salt = OpenSSL.randomBytes(16)
        // A rate of a function that computes something else would mean nothing: compare first.
        let reference = OpenSSL.pbkdf2ReferenceSHA256(password: password, salt: salt, iterations: iterations, length: keyLength)
        let fast = OpenSSL.pbkdf2SHA256(password: password, salt: salt, iterations: iterations, length: keyLength)
        guard OpenSSL.constantTimeEqual(reference, fast) else {
            throw CommandFailure(message: "bench-pbkdf2: the fast PBKDF2 differs from PKCS5_PBKDF2_HMAC")
        }
        let referenceRate = rate(seconds) {
            _ = OpenSSL.pbkdf2ReferenceSHA256(password: password, salt: salt, iterations: iterations, length: keyLength)
        }
        let fastRate = rate(seconds) {
            _ = OpenSSL.pbkdf2SHA256(password: password, salt: salt, iterations: iterations, length: keyLength)
        }
        print("iterations=\(iterations) reference=\(rounded(referenceRate))/s fast=\(rounded(fastRate))/s equal=yes")
        return ExitStatus.ok
    }

    /// Runs `body` repeatedly until `seconds` have passed (at least once) and returns runs per second.
    private static func rate(_ seconds: Double, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let budget = Duration.seconds(seconds)
        var runs = 0
        var elapsed = Duration.zero
        repeat {
            body()
            runs += 1
            elapsed = clock.now - start
        } while elapsed < budget
        let (whole, attoseconds) = elapsed.components
        return Double(runs) / (Double(whole) + Double(attoseconds) / 1e18)
    }

    /// Two decimals without Foundation's `String(format:)`.
    private static func rounded(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
