import Foundation
import Gatehouse

/// Where the throwaway PostgreSQL cluster and the built binary are; `make test` sets these.
enum TestEnvironment {
    /// The package root (holds Package.swift), found from this file's path.
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw ClientError("\(name) is not set: run the integration tests through `make test`, which starts a PostgreSQL cluster")
        }
        return value
    }

    /// A conninfo for `database` on the test cluster, as its superuser.
    static func conninfo(database: String) throws -> String {
        "host=\(try variable("GATEHOUSE_TEST_PGHOST")) port=\(try variable("GATEHOUSE_TEST_PGPORT")) "
            + "user=\(try variable("GATEHOUSE_TEST_PGUSER")) dbname=\(database)"
    }

    /// The `gatehouse` executable built for this test run.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["GATEHOUSE_BIN"] { return path }
        let guess = repoRoot + "/.build/debug/gatehouse"
        guard FileManager.default.isExecutableFile(atPath: guess) else { throw ClientError("gatehouse binary not built; run `make test`") }
        return guess
    }

    /// A TCP port nobody listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A fresh private directory under /tmp.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A database of its own for one test suite, dropped when the suite is done.
final class TestDatabase {
    let name: String
    let conninfo: String
    private let owned: Bool

    /// Uses an existing database (not dropped afterwards).
    init(conninfo: String) {
        name = ""
        self.conninfo = conninfo
        owned = false
    }

    /// Creates a new, empty database on the test cluster.
    init() throws {
        owned = true
        name = "gh_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let admin = DatabaseConnection(conninfo: try TestEnvironment.conninfo(database: "postgres"))
        _ = try admin.query("CREATE DATABASE \(name)")
        conninfo = try TestEnvironment.conninfo(database: name)
    }

    /// A new connection to this database.
    func connect() -> DatabaseConnection {
        DatabaseConnection(conninfo: conninfo)
    }

    deinit {
        guard owned, let info = try? TestEnvironment.conninfo(database: "postgres") else { return }
        _ = try? DatabaseConnection(conninfo: info).query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
