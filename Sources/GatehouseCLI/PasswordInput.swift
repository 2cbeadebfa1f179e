import Glibc

/// Reads a password without it ever touching argv: a no-echo prompt on a terminal,
/// else exactly one line of standard input.
enum PasswordInput {
    static func read(prompt: String) throws -> String {
        if isatty(0) == 1 {
            let first = try readHidden(prompt)
            let second = try readHidden("Repeat: ")
            guard first == second else { throw CommandFailure(message: "the passwords do not match") }
            return first
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CommandFailure(message: "no password on standard input")
        }
        return line
    }

    private static func readHidden(_ prompt: String) throws -> String {
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
        guard let line = readLine(strippingNewline: true) else { throw CommandFailure(message: "no password entered") }
        return line
    }

    private static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// The rule for new passwords (OWASP ASVS 2.1.1/2.1.2): 12 to 128 characters.
enum PasswordRule {
    static func check(_ password: String) throws {
        guard (12...128).contains(password.count) else {
            throw CommandFailure(message: "a new password must be 12 to 128 characters long")
        }
    }
}
