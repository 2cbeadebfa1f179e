import GatehouseSupervision
import Glibc

// `gatehouse-supervisor`: what `gatehouse serve` becomes once it has opened the socket and
// the /metrics counters (see `Supervisor.Plan` for the arguments). Not started by hand.
guard let plan = Supervisor.Plan(arguments: Array(CommandLine.arguments.dropFirst())) else {
    let message = "gatehouse-supervisor: started by `gatehouse serve`, not by hand\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
let counters = plan.counters.flatMap { SharedCounters(adopting: $0) }
if plan.counters != nil && counters == nil { Log.event("metrics_private", ["error": "counters not mapped"]) }
Supervisor(plan: plan, counters: counters).run()
exit(0)
