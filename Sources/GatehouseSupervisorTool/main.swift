import CSupervisorLibc

// `gatehouse-supervisor`: what `gatehouse serve` becomes once it has opened the socket and
// the /metrics counters (see `Supervisor.Plan` for the arguments). Not started by hand.
// Built as Embedded Swift (see Supervisor.swift); the other sources here are links to
// GatehouseSupervision's files, compiled a second time for this process.

/// This process's arguments after its name, from /proc/self/cmdline (Embedded Swift has no
/// CommandLine).
func arguments() -> [String] {
    let descriptor = gatehouse_open_readonly("/proc/self/cmdline")
    guard descriptor >= 0 else { return [] }
    defer { _ = close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    return bytes.split(separator: 0, omittingEmptySubsequences: false).dropFirst().dropLast()
        .map { String(decoding: $0, as: UTF8.self) }
}

guard let plan = Supervisor.Plan(arguments: arguments()) else {
    let message = "gatehouse-supervisor: started by `gatehouse serve`, not by hand\n"
    _ = write(2, message, strlen(message))
    exit(2)
}
let counters = plan.counters.flatMap { SharedCounters(adopting: $0) }
if plan.counters != nil && counters == nil { Log.event("metrics_private", ["error": "counters not mapped"]) }
Supervisor(plan: plan, counters: counters).run()
exit(0)
