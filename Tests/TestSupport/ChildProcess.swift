import Foundation

/// Child processes for tests, on `posix_spawn` and `waitpid` directly.
///
/// Foundation's `Process` was seen to hang in `waitUntilExit` (and in reading pipes that
/// daemons such as nginx inherited) when many tests start processes in parallel; this
/// runner uses files, not pipes, and waits for exactly its own child.
public struct ChildProcess {
    /// How a finished child ended.
    public struct Outcome: Sendable {
        /// The exit status (128 + signal when killed).
        public let status: Int32
        /// Everything it wrote to stdout.
        public let output: String
        /// Everything it wrote to stderr.
        public let errors: String
    }

    /// The running child's process id.
    public let pid: Int32

    /// Starts `executable` with `arguments`; stdin from `input`, stdout/stderr to files.
    /// - Parameters:
    ///   - environment: the whole environment of the child.
    ///   - outputPath/errorPath: where stdout and stderr go.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             input: String = "", outputPath: String, errorPath: String,
                             directory: String? = nil) throws -> ChildProcess {
        try start(executable, arguments, environment: environment, inputBytes: Array(input.utf8),
                  outputPath: outputPath, errorPath: errorPath, directory: directory)
    }

    /// Starts `executable` with `inputBytes` on stdin: any bytes, invalid UTF-8 included.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             inputBytes: [UInt8], outputPath: String, errorPath: String,
                             directory: String? = nil) throws -> ChildProcess {
        let inputPath = outputPath + ".stdin"
        try Data(inputBytes).write(to: URL(fileURLWithPath: inputPath))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        // bash closes every descriptor above 2 first, so nothing of the test process leaks
        // into the child or the daemons it starts (they would hold other tests' files open).
        let argv = ["/bin/bash", "-c", ChildProcess.cleanExec, "clean-exec", directory ?? ".", executable] + arguments
        // Swift Testing's threads block most signals and a child would inherit that mask:
        // daemons started by tests must still stop on SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let status = withCStringArray(argv) { argvPointer in
            withCStringArray(env) { envPointer in
                posix_spawn(&pid, "/bin/bash", &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard status == 0 else { throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(status)))") }
        return ChildProcess(pid: pid)
    }

    /// `clean-exec DIR PROGRAM ARGS...`: close descriptors above 2, cd, exec.
    private static let cleanExec = #"""
        for fd in /proc/$$/fd/*; do n=${fd##*/}; case $n in 0|1|2) ;; *) eval "exec $n>&-" ;; esac; done
        cd "$1" || exit 127; shift; exec "$@"
        """#

    /// Runs a command to completion and returns its outcome.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String = "", directory: String? = nil) throws -> Outcome {
        try run(executable, arguments, environment: environment, inputBytes: Array(input.utf8), directory: directory)
    }

    /// Runs a command to completion with `inputBytes` on stdin and returns its outcome.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           inputBytes: [UInt8], directory: String? = nil) throws -> Outcome {
        let base = NSTemporaryDirectory() + "child-\(UUID().uuidString)"
        defer {
            for suffix in [".out", ".err", ".out.stdin"] { try? FileManager.default.removeItem(atPath: base + suffix) }
        }
        let child = try start(executable, arguments, environment: environment, inputBytes: inputBytes,
                              outputPath: base + ".out", errorPath: base + ".err", directory: directory)
        let status = child.wait()
        let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return Outcome(status: status, output: output, errors: errors)
    }

    /// Waits for the child to end; returns its exit status (128 + signal when killed).
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    /// Whether the child is still running (it is reaped if it has ended).
    public func hasExited() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }
}

/// A child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
