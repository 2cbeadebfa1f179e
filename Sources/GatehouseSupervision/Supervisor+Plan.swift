#if hasFeature(Embedded)
import CSupervisorLibc
#else
import Glibc
#endif

extension Supervisor {
    /// Everything a supervisor works from, set up beforehand by `gatehouse serve`. It
    /// travels as `gatehouse-supervisor`'s command line; the descriptors are inherited.
    package struct Plan: Sendable {
        /// The listening socket, handed to every worker as its fd 0.
        package var socket: Int32
        /// The unix socket file to remove on stop, when `gatehouse serve` created one.
        package var unixPath: String?
        /// The `LISTEN` value, for the log.
        package var listen: String
        /// How many workers to keep running.
        package var processes: Int
        /// The memfd of the shared /metrics counters, when there is one.
        package var counters: Int32?
        /// The worker command: `gatehouse` and its arguments.
        package var worker: [String]

        /// A plan from its fields.
        package init(socket: Int32, unixPath: String?, listen: String, processes: Int, counters: Int32?, worker: [String]) {
            self.socket = socket
            self.unixPath = unixPath
            self.listen = listen
            self.processes = processes
            self.counters = counters
            self.worker = worker
        }

        /// The plan as `gatehouse-supervisor` arguments; `init(arguments:)` reads them back.
        package var arguments: [String] {
            var out = ["--socket", String(socket), "--listen", listen, "--processes", String(processes)]
            if let unixPath { out += ["--unlink", unixPath] }
            if let counters { out += ["--counters", String(counters)] }
            return out + ["--"] + worker
        }

        /// Reads `arguments` back; `nil` when anything is missing or malformed.
        package init?(arguments: [String]) {
            var socket: Int32?
            var listen: String?
            var processes: Int?
            var unixPath: String?
            var counters: Int32?
            var rest = arguments[...]
            // Options are matched as bytes: String equality would need Unicode tables that
            // the Embedded Swift supervisor does not carry.
            func isOption(_ option: String, _ name: StaticString) -> Bool {
                option.utf8.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            }
            while let option = rest.popFirst(), !isOption(option, "--") {
                guard let value = rest.popFirst() else { return nil }
                if isOption(option, "--socket") {
                    socket = Int32(value)
                } else if isOption(option, "--listen") {
                    listen = value
                } else if isOption(option, "--processes") {
                    processes = Int(value)
                } else if isOption(option, "--unlink") {
                    unixPath = value
                } else if isOption(option, "--counters") {
                    counters = Int32(value)
                } else {
                    return nil
                }
            }
            guard let socket, let listen, let processes, processes > 0, !rest.isEmpty else { return nil }
            self.init(socket: socket, unixPath: unixPath, listen: listen, processes: processes, counters: counters, worker: Array(rest))
        }
    }

    /// Replaces this process with `gatehouse-supervisor` from `directory`, carrying `plan`
    /// (the pid stays, so systemd and scripts keep watching the same process). Returns
    /// only when that fails, with the reason; the caller then supervises in-process.
    package static func become(_ plan: Plan, from directory: String) -> String {
        let path = directory + "/gatehouse-supervisor"
        guard access(path, X_OK) == 0 else { return "\(path): \(String(cString: strerror(errno)))" }
        _ = withCStrings([path] + plan.arguments) { execv(path, $0) }
        return "\(path): \(String(cString: strerror(errno)))"
    }
}

#if !hasFeature(Embedded)
// For the tests' round trip; in the supervisor, String equality would need Unicode tables.
extension Supervisor.Plan: Equatable {}
#endif
