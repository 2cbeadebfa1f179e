import Gatehouse
import Glibc

/// Reads a password without it ever touching argv: a no-echo prompt on a terminal,
/// else exactly one line of standard input.
enum PasswordInput {
    /// - Throws: `CommandFailure` when there is no line, the two typed lines differ, or the
    ///   line holds a NUL or is not UTF-8: the sign-in form can never send such a password
    ///   (it answers 400), and `readLine` would quietly turn bad bytes into U+FFFD.
    static func read(prompt: String) throws -> String {
        if isatty(0) == 1 {
            let first = try readHidden(prompt)
            let second = try readHidden("Repeat: ")
            guard first == second else { throw CommandFailure(message: "the passwords do not match") }
            return try text(of: first)
        }
        guard let line = readLineBytes() else {
            throw CommandFailure(message: "no password on standard input")
        }
        return try text(of: line)
    }

    /// The password in `bytes`, refused as the web refuses a form field.
    private static func text(of bytes: [UInt8]) throws -> String {
        guard !bytes.contains(0) else {
            throw CommandFailure(message: "the password contains a NUL character, which the sign-in form cannot send; nothing was changed")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CommandFailure(message: "the password is not valid UTF-8 text; nothing was changed")
        }
        return text
    }

    /// One line of standard input as it was sent, without its `\n` or `\r\n`; nil at the
    /// end of input. Read from fd 0 a byte at a time: no byte is altered, and nothing after
    /// the line is consumed.
    private static func readLineBytes() -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let got = Glibc.read(0, &byte, 1)
            if got < 0, errno == EINTR { continue }
            if got <= 0 { return line.isEmpty ? nil : line }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    private static func readHidden(_ prompt: String) throws -> [UInt8] {
        var original = termios()
        tcgetattr(0, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &original)
            printError("")
        }
        writeStderr(prompt)
        guard let line = readLineBytes() else { throw CommandFailure(message: "no password entered") }
        return line
    }

    private static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// The web's rule for new passwords (PasswordRules): 12 to 128 characters and a zxcvbn
/// score of at least PASSWORD_MIN_SCORE, judged against the user's own names too.
enum PasswordRule {
    /// - Throws: `CommandFailure` with the reason when `password` may not be set.
    static func check(_ password: String, minimumScore: Int, userWords: [String?]) throws {
        // The terminal prompt has already compared the two typed lines.
        if let problem = PasswordRules.problem(
            with: password, repeated: password, minimumScore: minimumScore, userWords: userWords) {
            throw CommandFailure(message: problem + " Nothing was changed.")
        }
    }
}
