import Foundation
@testable import Gatehouse
import Synchronization
import TestSupport
import Testing

/// `gatehouse serve` as a supervisor of worker processes, through real nginx.
@Suite("End to end: supervision", .serialized)
struct SupervisionTests {
    /// Process ids whose parent is `parent`, read from /proc.
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }.sorted()
    }

    @Test("WORKER_PROCESSES workers run; a killed worker is replaced within a second while others answer")
    func killedWorkerIsReplaced() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"])
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        let before = Self.children(of: stack.responderPID)
        kill(before[0], SIGKILL)
        var failures = 0
        let started = Date()
        var replaced = false
        while Date().timeIntervalSince(started) < 1.0 {
            if (try? stack.client.send("GET", "/auth"))?.status != 200 { failures += 1 }
            let now = Self.children(of: stack.responderPID)
            if now.count == 2 && !now.contains(before[0]) { replaced = true; break }
        }
        #expect(replaced, "no replacement worker within a second")
        #expect(failures == 0)
        for _ in 0..<20 { #expect(try stack.client.send("GET", "/auth").status == 200) }
        #expect(stack.stop() == 0)
    }

    /// The shared objects mapped into process `pid`.
    static func libraries(of pid: Int32) -> Set<String> {
        // Read to the end: String(contentsOfFile:) stops after one page of a /proc file.
        let data = FileHandle(forReadingAtPath: "/proc/\(pid)/maps")?.readDataToEndOfFile() ?? Data()
        let maps = String(decoding: data, as: UTF8.self)
        return Set(maps.split(separator: "\n").compactMap { line in
            line.split(separator: "/").last.map(String.init).flatMap { $0.contains(".so") ? $0 : nil }
        })
    }

    /// Resident memory of process `pid` in kB.
    static func residentKilobytes(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ")[1]) ?? 0
    }

    @Test("The supervisor runs as gatehouse-supervisor: no Swift runtime, libpq or libcrypto loaded, smaller than a worker")
    func supervisorIsSmall() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"])
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(stack.responderPID)/exe")
        #expect(executable.hasSuffix("/gatehouse-supervisor"))
        let supervisorLibraries = Self.libraries(of: stack.responderPID)
        #expect(supervisorLibraries.contains { $0.hasPrefix("libc.") })
        #expect(!supervisorLibraries.contains { $0.hasPrefix("libpq.") || $0.hasPrefix("libcrypto.") || $0.hasPrefix("libfcgi.") })
        // Embedded Swift: the C++ runtime the Swift runtime needs is not there either.
        #expect(!supervisorLibraries.contains { $0.hasPrefix("libstdc++.") || $0.hasPrefix("libswiftCore.") })
        #expect(try stack.client.send("GET", "/auth").status == 200)
        // A worker that has just been spawned is still a copy of the supervisor until it execs.
        let worker = Self.children(of: stack.responderPID)[0]
        try Stack.waitFor { Self.libraries(of: worker).contains { $0.hasPrefix("libpq.") } }
        #expect(Self.residentKilobytes(of: stack.responderPID) < Self.residentKilobytes(of: worker))
        #expect(stack.stop() == 0)
    }

    @Test("The supervisor reads its plan back from its arguments: a socket path with spaces and non-ASCII is logged and removed on stop")
    func supervisorArguments() throws {
        let database = try TestDatabase()
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-plan")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/gate house é.sock"
        let environment = Stack.environment(database: database, socket: socket, overrides: ["WORKER_PROCESSES": "2"])
        let log = directory + "/gatehouse.log"
        let serve = try ChildProcess.start(try TestEnvironment.binary(), ["serve"], environment: environment,
                                           outputPath: log, errorPath: log, directory: TestEnvironment.repoRoot)
        defer { if serve.hasExited() == nil { serve.send(SIGKILL); serve.wait() } }
        try Stack.waitFor { FileManager.default.fileExists(atPath: socket) && Self.children(of: serve.pid).count == 2 }
        serve.send(SIGTERM)
        #expect(serve.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
        let lines = (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n")
        #expect(lines.contains { $0.contains("event=supervisor_started listen=\"unix:\(socket)\" processes=2") })
        #expect(lines.contains { $0.contains("event=supervisor_stopped") })
    }

    @Test("gatehouse-supervisor started by hand, or with a malformed plan, says so and exits 2", arguments: [
        [],
        ["--socket", "3", "--listen", "x", "--processes", "0", "--", "/bin/true"],
        ["--socket", "3", "--listen", "x", "--processes", "2", "--verbose", "--", "/bin/true"],
    ])
    func supervisorByHand(arguments: [String]) throws {
        let binary = try TestEnvironment.binary()
        let supervisor = String(binary[..<binary.lastIndex(of: "/")!]) + "/gatehouse-supervisor"
        let outcome = try ChildProcess.run(supervisor, arguments)
        #expect(outcome.status == 2)
        #expect(outcome.errors.contains("started by `gatehouse serve`, not by hand"))
    }

    @Test("Workers start with glibc's per-thread cache raised, unless the operator set GLIBC_TUNABLES",
          arguments: [nil, "glibc.malloc.arena_max=2"])
    func workerMallocTuning(operatorSetting: String?) throws {
        let stack = try Stack(settings: operatorSetting.map { ["GLIBC_TUNABLES": $0] } ?? [:])
        try Stack.waitFor { !Self.children(of: stack.responderPID).isEmpty }
        let worker = Self.children(of: stack.responderPID)[0]
        try Stack.waitFor { Self.libraries(of: worker).contains { $0.hasPrefix("libpq.") } }  // exec'd
        let data = FileHandle(forReadingAtPath: "/proc/\(worker)/environ")?.readDataToEndOfFile() ?? Data()
        let tunables = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { $0.hasPrefix("GLIBC_TUNABLES=") }
        let expected = operatorSetting ?? ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? "glibc.malloc.tcache_count=64"
        #expect(tunables == ["GLIBC_TUNABLES=" + expected])
        #expect(try stack.client.send("GET", "/auth").status == 200)
        #expect(stack.stop() == 0)
    }

    @Test("Without gatehouse-supervisor beside the binary, serve supervises in its own process")
    func supervisesInProcessWhenAlone() throws {
        let directory = try TestEnvironment.temporaryDirectory("gatehouse-alone")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let copy = directory + "/gatehouse"
        try FileManager.default.copyItem(atPath: try TestEnvironment.binary(), toPath: copy)
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"], binary: copy)
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        #expect(stack.responderLog.contains("event=supervisor_in_process"))
        for _ in 0..<10 { #expect(try stack.client.send("GET", "/auth").status == 200) }
        let before = Self.children(of: stack.responderPID)
        kill(before[0], SIGKILL)
        try Stack.waitFor { let now = Self.children(of: stack.responderPID); return now.count == 2 && !now.contains(before[0]) }
        #expect(stack.stop() == 0)
    }

    @Test("Workers whose supervisor was SIGKILLed notice within a second, drain and exit")
    func orphanedWorkersExit() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"])
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        let workers = Self.children(of: stack.responderPID)
        defer { for pid in workers where !Signals.hasEnded(pid) { kill(pid, SIGKILL) } }
        kill(stack.responderPID, SIGKILL)
        let killed = Date()
        try Stack.waitFor(seconds: 5) { workers.allSatisfy(Signals.hasEnded) }
        #expect(Date().timeIntervalSince(killed) < 3.0)
        #expect(stack.responderLog.contains("supervisor_gone=\(stack.responderPID)"))
        #expect(stack.stop() == 128 + SIGKILL)
    }

    @Test("SIGHUP replaces every worker with no failed request")
    func reload() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2"])
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        let before = Set(Self.children(of: stack.responderPID))
        let failures = Mutex(0)
        let answered = Atomic(0)
        let done = Atomic(false)
        let client = stack.client
        let load = Thread {
            while !done.load(ordering: .relaxed) {
                if (try? client.send("GET", "/auth"))?.status != 200 { failures.withLock { $0 += 1 } }
                answered.add(1, ordering: .relaxed)
            }
        }
        load.start()
        // The reload starts under load, and the new workers answer a run of requests too.
        try Stack.waitFor { answered.load(ordering: .relaxed) >= 10 }
        kill(stack.responderPID, SIGHUP)
        try Stack.waitFor(seconds: 10) {
            let now = Set(Self.children(of: stack.responderPID))
            return now.count == 2 && now.isDisjoint(with: before)
        }
        let afterReload = answered.load(ordering: .relaxed)
        try Stack.waitFor { answered.load(ordering: .relaxed) >= afterReload + 20 }
        done.store(true, ordering: .relaxed)
        try Stack.waitFor { load.isFinished }
        #expect(failures.withLock { $0 } == 0)
        #expect(stack.stop() == 0)
    }

    @Test("SIGHUP with a template that no longer parses keeps the running workers")
    func brokenReload() throws {
        let templates = try TestEnvironment.temporaryDirectory("gatehouse-templates")
        defer { try? FileManager.default.removeItem(atPath: templates) }
        for name in try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.repoRoot + "/templates") {
            try FileManager.default.copyItem(atPath: TestEnvironment.repoRoot + "/templates/" + name, toPath: templates + "/" + name)
        }
        let stack = try Stack(settings: ["WORKER_PROCESSES": "2", "TEMPLATES_DIR": templates])
        try Stack.waitFor { Self.children(of: stack.responderPID).count == 2 }
        let before = Self.children(of: stack.responderPID)
        let home = templates + "/home.html"
        try (String(contentsOfFile: home, encoding: .utf8) + "{{#broken}}").write(toFile: home, atomically: true, encoding: .utf8)
        kill(stack.responderPID, SIGHUP)
        // Logged once the replacement that would not start has been reaped, and the
        // reload given up.
        try Stack.waitFor { stack.responderLog.contains("reload_failed") }
        #expect(Self.children(of: stack.responderPID) == before)
        for _ in 0..<10 { #expect(try stack.client.send("GET", "/auth").status == 200) }
        #expect(stack.stop() == 0)
    }

    @Test("A sign-in waiting for its password hash leaves page views a thread, even with WORKERS=1")
    func signInHandsOverItsTurn() throws {
        // An unknown username still costs one full PBKDF2 (so timing reveals nothing): at
        // 3,000,000 iterations that is most of a second, during which the one answering
        // thread's turn goes to a standby thread.
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "1", "PBKDF2_ITERATIONS": "3000000"])
        let started = Date()
        let signIn = try BackgroundSignIn(stack, "nobody", "not a password")
        try signIn.waitUntilHashing()
        for _ in 0..<5 { #expect(try stack.client.send("GET", "/auth").status == 200) }
        let pagesEnded = Date()
        let ended = signIn.wait().ended
        #expect(ended.timeIntervalSince(started) > 0.3, "the sign-in was too quick to show anything")
        #expect(pagesEnded < ended, "page views waited for the sign-in's hash")
        #expect(stack.stop() == 0)
    }

    @Test("A web server that keeps its connection open after the answer does not hold the thread")
    func answeredConnectionIsLetGo() throws {
        // One answering thread. libfcgi's default close waits (up to 2 s) for the web server
        // to hang up; with nothing left unread Gatehouse closes at once, so the next
        // connection is answered while the first is still open (1.5 s: well past an answer
        // on a loaded machine, well short of the linger).
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "1"])
        let socket = stack.directory + "/gatehouse.sock"
        let first = try FastCGIConnection(path: socket)
        #expect(try first.get("/healthz").hasPrefix("Status: 200"))
        let second = try FastCGIConnection(path: socket, timeout: 1.5)
        #expect(try second.get("/healthz").hasPrefix("Status: 200"))
        withExtendedLifetime(first) {}
        #expect(stack.stop() == 0)
    }

    @Test("A connection the web server keeps answers request after request, and holds no thread while idle")
    func keptConnection() throws {
        // One answering thread: were it waiting on the idle kept connection, as libfcgi's
        // own accept loop does, the second connection would get no answer.
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "1"])
        let socket = stack.directory + "/gatehouse.sock"
        let kept = try FastCGIConnection(path: socket)
        #expect(try kept.get("/healthz", keep: true).hasPrefix("Status: 200"))
        #expect(try kept.get("/auth", keep: true).hasPrefix("Status: 200"))
        let other = try FastCGIConnection(path: socket, timeout: 1.5)
        #expect(try other.get("/healthz").hasPrefix("Status: 200"))
        #expect(try kept.get("/healthz", keep: true).hasPrefix("Status: 200"))
        #expect(stack.stop() == 0)
    }

    @Test("A body refused unread on a kept connection is not taken for the next request")
    func keptConnectionAfterRefusedBody() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "1"])
        let kept = try FastCGIConnection(path: stack.directory + "/gatehouse.sock")
        let refused = try kept.send("POST", "/auth", body: Array(repeating: UInt8(ascii: "a"), count: 100_000), keep: true)
        #expect(refused.hasPrefix("Status: 413"))
        #expect(try kept.get("/healthz", keep: true).hasPrefix("Status: 200"))
        #expect(stack.stop() == 0)
    }

    @Test("A worker out of descriptors closes its idle kept connections to accept new ones")
    func outOfDescriptors() throws {
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "WORKERS": "1"])
        let socket = stack.directory + "/gatehouse.sock"
        var kept = [try FastCGIConnection(path: socket)]
        #expect(try kept[0].get("/healthz", keep: true).hasPrefix("Status: 200"))
        let worker = try #require(Self.children(of: stack.responderPID).first)
        // Room for three more descriptors: the fourth connection finds none free.
        let limit = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/fd").count + 3
        let lowered = try ChildProcess.run("/usr/bin/prlimit", ["--pid", String(worker), "--nofile=\(limit):\(limit)"])
        #expect(lowered.status == 0)
        for _ in 0..<6 {
            let connection = try FastCGIConnection(path: socket, timeout: 3)
            #expect(try connection.get("/healthz", keep: true).hasPrefix("Status: 200"))
            kept.append(connection)
        }
        #expect(stack.responderLog.contains("event=descriptors_exhausted"))
        #expect(stack.stop() == 0)
    }

    @Test("SIGTERM closes idle kept connections at once, while an in-flight login finishes")
    func drainClosesKeptConnections() throws {
        // The web server must stop sending on a draining worker's connections, or a request
        // sent during the drain would find its connection closed unanswered.
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "PBKDF2_ITERATIONS": "3000000"])
        let kept = try FastCGIConnection(path: stack.directory + "/gatehouse.sock")
        #expect(try kept.get("/healthz", keep: true).hasPrefix("Status: 200"))
        let login = try BackgroundSignIn(stack, "nobody", "not a password")
        try login.waitUntilHashing()
        #expect(!login.isAnswered)
        kill(stack.responderPID, SIGTERM)
        #expect(kept.closesWithin(0.3))
        #expect(login.wait().status == 401)
        #expect(stack.stop() == 0)
    }

    @Test("SIGTERM lets an in-flight login finish, then exits 0")
    func drain() throws {
        // Hashes long enough (most of a second) that SIGTERM surely comes in the middle.
        let stack = try Stack(settings: ["WORKER_PROCESSES": "1", "PBKDF2_ITERATIONS": "3000000"])
        let hasher = PasswordHasher(iterations: 3_000_000)
        try UserStore(database: stack.database.connect()).add(username: "slow", firstName: nil, lastName: nil, scopes: [], password: hasher.hash("slow password 1"))
        let login = try BackgroundSignIn(stack, "slow", "slow password 1")
        try login.waitUntilHashing()
        #expect(!login.isAnswered)
        kill(stack.responderPID, SIGTERM)
        #expect(login.wait().status == 303)
        #expect(stack.stop() == 0)
    }
}
