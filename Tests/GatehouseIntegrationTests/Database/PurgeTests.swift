import Foundation
@testable import Gatehouse
import Testing

/// What the maintenance thread deletes, and that it does so without any request.
@Suite("Purge", .serialized)
struct PurgeTests {
    @Test("Audit rows older than AUDIT_RETENTION days go, in batches; newer ones stay; old lockout and sign-up places go")
    func purgePass() throws {
        let harness = try AppHarness(settings: ["AUDIT_RETENTION": "30"])
        try harness.connection.run(script: """
            INSERT INTO audit_log (at, event) SELECT now() - interval '31 days', 'old' FROM generate_series(1, 25000);
            INSERT INTO audit_log (at, event) VALUES (now() - interval '29 days', 'kept'), (now(), 'kept');
            INSERT INTO registration_attempt (at, address) VALUES (now() - interval '61 minutes', '198.51.100.1'),
                                                                  (now(), '198.51.100.2');
            INSERT INTO login_failure (at, username, address) VALUES (now() - interval '2 hours', 'a', '198.51.100.1');
            """)
        try Purge.run(database: harness.connection, configuration: harness.configuration)
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'old'") == "0")
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'kept'") == "2")
        #expect(try harness.scalar("SELECT address FROM registration_attempt") == "198.51.100.2")
        #expect(try harness.scalar("SELECT count(*) FROM login_failure") == "0")
    }

    @Test("A running gatehouse purges audit rows past AUDIT_RETENTION without being asked anything")
    func purgedByMaintenanceThread() throws {
        let database = try TestDatabase()
        let connection = database.connect()
        try Migrations.run(on: connection)
        try connection.run(script: """
            INSERT INTO audit_log (at, event) VALUES (now() - interval '400 days', 'ancient'), (now() - interval '8 days', 'old'),
                                                     (now() - interval '6 days', 'recent');
            """)
        let stack = try Stack(database: database, settings: ["AUDIT_RETENTION": "7", "WORKER_PROCESSES": "1"])
        try Stack.waitFor {
            (try? connection.query("SELECT count(*) FROM audit_log WHERE event IN ('ancient', 'old')").scalar()) == "0"
        }
        #expect(try connection.query("SELECT count(*) FROM audit_log WHERE event = 'recent'").scalar() == "1")
        #expect(stack.stop() == 0)
    }
}
