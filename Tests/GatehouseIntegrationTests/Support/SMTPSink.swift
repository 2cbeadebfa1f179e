import Foundation
import TestSupport

/// scripts/smtp-sink.py (Debian's python3-aiosmtpd) on a port of its own: a real SMTP
/// server without STARTTLS that stores each message it accepts in `directory`.
final class SMTPSink {
    let directory: String
    let host: String
    let port: Int
    private var process: ChildProcess?

    init(host: String = "127.0.0.1", port: Int = TestEnvironment.freePort(), directory: String? = nil) throws {
        self.host = host
        self.port = port
        self.directory = try directory ?? TestEnvironment.temporaryDirectory("gatehouse-sink")
        try start()
    }

    /// Starts (again) and waits until it accepts connections.
    func start() throws {
        process = try ChildProcess.start("/usr/bin/python3", [TestEnvironment.repoRoot + "/scripts/smtp-sink.py",
                                                               "--host", host, "--port", String(port), "--dir", directory],
                                         outputPath: directory + "/../sink-\(port).out", errorPath: directory + "/../sink-\(port).err")
        for _ in 0..<100 {
            if SMTPSink.accepts(host: host, port: port) { return }
            usleep(50_000)
        }
        throw ClientError("smtp-sink did not start on \(host):\(port)")
    }

    func stop() {
        process?.send(SIGTERM)
        _ = process?.wait()
        process = nil
    }

    /// The messages stored so far, oldest first, as text.
    func messages() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
    }

    /// Waits up to `seconds` for at least `count` messages.
    func waitForMessages(_ count: Int, seconds: Double = 15) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let found = messages()
            if found.count >= count { return found }
            usleep(100_000)
        }
        return messages()
    }

    private static func accepts(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    deinit { stop() }
}
