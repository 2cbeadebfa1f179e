import Foundation

/// Runs Python's `hashlib` as an independent implementation to check
/// Gatehouse against. Every value crosses the process boundary as hex, so no
/// locale or argv encoding can change a byte.
public enum PythonHashlib {
    /// A failure to run Python at all, reported instead of a false mismatch.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `script` with `python3 -c`, feeding `lines` on stdin, and returns
    /// the stdout lines.
    static func run(_ script: String, lines: [String]) throws -> [String] {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run("/usr/bin/env", ["python3", "-c", prelude + script],
                                           input: lines.map { $0 + "\n" }.joined())
        } catch {
            throw Failure(description: "cannot start python3 (install Debian's python3): \(error)")
        }
        guard outcome.status == 0 else {
            throw Failure(description: "python3 exited \(outcome.status): \(outcome.errors)")
        }
        return outcome.output.split(separator: "\n").map(String.init)
    }

    /// Python's `hashlib.pbkdf2_hmac('sha256', ...)` for each input, as hex.
    ///
    /// The password travels as the hex of its UTF-8 bytes and is decoded and
    /// re-encoded in Python, exactly as the original design's
    /// `password.encode()` produced its bytes.
    public static func pbkdf2(_ inputs: [(password: String, salt: [UInt8], iterations: Int, length: Int)])
        throws -> [String]
    {
        let script = """
            for line in sys.stdin:
                pw, salt, c, n = line.split()
                password = unhex(pw).decode('utf-8')
                print(hashlib.pbkdf2_hmac('sha256', password.encode(), unhex(salt), int(c), int(n)).hex())
            """
        return try run(script, lines: inputs.map {
            "\(hexArg(Array($0.password.utf8))) \(hexArg($0.salt)) \($0.iterations) \($0.length)"
        })
    }

    /// Python-made hashes in the original design's shape: `os.urandom(32)`
    /// salt, `pbkdf2_hmac('sha256', password.encode(), salt, iterations)`.
    /// Returns (salt hex, hash hex) per password.
    public static func originalDesignHashes(_ passwords: [String], iterations: Int) throws
        -> [(salt: String, hash: String)]
    {
        let script = """
            for line in sys.stdin:
                pw, c = line.split()
                password = unhex(pw).decode('utf-8')
                p_salt = os.urandom(32)
                p_hash = hashlib.pbkdf2_hmac('sha256', password.encode(), p_salt, int(c))
                print(p_salt.hex(), p_hash.hex())
            """
        return try run(script, lines: passwords.map { "\(hexArg(Array($0.utf8))) \(iterations)" })
            .map { line in
                let parts = line.split(separator: " ").map(String.init)
                return (salt: parts[0], hash: parts[1])
            }
    }

    /// Asks Python to verify Gatehouse-made hashes; true per matching input.
    public static func verify(_ inputs: [(password: String, hash: [UInt8], salt: [UInt8], iterations: Int)])
        throws -> [Bool]
    {
        let script = """
            for line in sys.stdin:
                pw, h, salt, c = line.split()
                password = unhex(pw).decode('utf-8')
                want = unhex(h)
                got = hashlib.pbkdf2_hmac('sha256', password.encode(), unhex(salt), int(c), len(want))
                print('ok' if hmac.compare_digest(got, want) else 'mismatch')
            """
        return try run(script, lines: inputs.map {
            "\(hexArg(Array($0.password.utf8))) \(hexArg($0.hash)) \(hexArg($0.salt)) \($0.iterations)"
        }).map { $0 == "ok" }
    }

    /// SHA-256 of each string's UTF-8 bytes, as `hashlib.sha256(...).hexdigest()`.
    public static func sha256Hex(_ texts: [String]) throws -> [String] {
        let script = """
            for line in sys.stdin:
                print(hashlib.sha256(unhex(line.strip())).hexdigest())
            """
        return try run(script, lines: texts.map { hexArg(Array($0.utf8)) })
    }

    /// Hex for one whitespace-separated field. An empty field would vanish
    /// in Python's `split()`, so no bytes are spelled `-` (see `prelude`).
    private static func hexArg(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "-" }
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// Python helper every script starts with: the inverse of `hexArg`.
    private static let prelude = """
        import hashlib, hmac, os, sys
        def unhex(field):
            return b'' if field == '-' else bytes.fromhex(field)

        """
}
