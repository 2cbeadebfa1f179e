import GatehouseSupervision
import Testing

/// `gatehouse serve` hands its supervisor process everything on the command line.
@Suite("Supervisor plan")
struct SupervisorPlanTests {
    @Test("A plan survives the trip through gatehouse-supervisor's arguments")
    func roundTrip() {
        let plans = [
            Supervisor.Plan(socket: 3, unixPath: "/run/gatehouse/gatehouse sock", listen: "unix:/run/gatehouse/gatehouse sock",
                            processes: 2, counters: 4, worker: ["/usr/local/bin/gatehouse", "--env-file", "/etc/g.env", "serve"]),
            Supervisor.Plan(socket: 5, unixPath: nil, listen: "127.0.0.1:9000", processes: 1, counters: nil,
                            worker: ["/opt/gatehouse", "serve", "--", "--socket"]),
        ]
        for plan in plans {
            #expect(Supervisor.Plan(arguments: plan.arguments) == plan)
        }
    }

    @Test("Missing or malformed arguments give no plan", arguments: [
        [],
        ["--socket", "3", "--listen", "x", "--processes", "2"],  // no worker command
        ["--socket", "3", "--listen", "x", "--processes", "0", "--", "/bin/gatehouse"],
        ["--socket", "three", "--listen", "x", "--processes", "2", "--", "/bin/gatehouse"],
        ["--listen", "x", "--processes", "2", "--", "/bin/gatehouse"],
        ["--socket", "3", "--listen", "x", "--processes", "2", "--verbose", "--", "/bin/gatehouse"],
        ["--socket", "3", "--listen"],
    ])
    func rejected(arguments: [String]) {
        #expect(Supervisor.Plan(arguments: arguments) == nil)
    }
}
