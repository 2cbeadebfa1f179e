import Foundation
import Testing

/// `/healthz` follows the database: a private cluster is stopped under a running stack.
@Suite("End to end: database down", .serialized)
struct DatabaseDownTests {
    @Test("/healthz is 200 with the database up and 503 once it is stopped")
    func healthFollowsDatabase() throws {
        let cluster = try TestEnvironment.temporaryDirectory("gatehouse-pg-down")
        let port = TestEnvironment.freePort()
        try Stack.script("pg.sh", "start", cluster, String(port))
        defer {
            try? Stack.script("pg.sh", "stop", cluster)
            try? FileManager.default.removeItem(atPath: cluster)
        }
        let database = TestDatabase(conninfo: "host=\(cluster) port=\(port) user=gatehouse dbname=gatehouse")
        let stack = try Stack(database: database)
        #expect(try stack.client.send("GET", "/healthz").status == 200)

        try Stack.script("pg.sh", "stop", cluster)
        let down = try stack.client.send("GET", "/healthz")
        #expect(down.status == 503)
        // Pages that need the database answer too, rather than hang.
        #expect(try stack.client.send("GET", "/auth").status == 200)
        #expect(stack.stop() == 0)
    }
}
