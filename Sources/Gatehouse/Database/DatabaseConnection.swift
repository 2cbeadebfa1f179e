import CLibPQ
import Glibc

/// One PostgreSQL connection with its prepared statements; never shared between threads.
///
/// The only Swift file that touches libpq. It is deliberately not `Sendable`: each worker
/// thread creates its own inside its closure, as libpq allows one thread per `PGconn`.
/// A lost connection is re-opened (and its statements re-prepared) on the next call.
///
/// Nothing waits on the server longer than `timeout`: connecting and every result are
/// awaited with `poll` against a deadline, because a frozen server (SIGSTOP, a hung host)
/// never lets its own statement_timeout fire. A missed deadline drops the connection and
/// lists the database as unresponsive (see `Unresponsive`).
public final class DatabaseConnection {
    private let conninfo: String
    private let timeout: Double
    private var handle: OpaquePointer?
    private var preparedOnServer: Set<String> = []
    /// Called after each successful (re)connection, for metrics.
    public var onConnect: (() -> Void)?
    /// The unresponsive-database probe's own connection: it waits on the server even while
    /// the database is listed as unresponsive.
    var isProbe = false
    /// Inside `transaction(_:)`: a lost connection is not silently re-opened, since the
    /// statement would then run outside the transaction (and its locks).
    var inTransaction = false

    /// Remembers the connection string; nothing is opened until first use.
    /// - Parameter timeout: seconds to wait for the connection and for each result; also
    ///   the server-side statement_timeout.
    public init(conninfo: String, timeout: Double = 2) {
        self.conninfo = conninfo
        self.timeout = timeout
    }

    /// A connection with the configuration's DATABASE_URL and DATABASE_TIMEOUT.
    public convenience init(configuration: Configuration) {
        self.init(conninfo: configuration.databaseConnInfo, timeout: configuration.databaseTimeout)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether the last known state of the connection is healthy.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Opens the connection now (also done lazily by every statement).
    /// - Throws: `DatabaseError` with libpq's message when the server cannot be reached,
    ///   or a timed-out one when it does not complete the handshake within `timeout`.
    public func connect() throws(DatabaseError) {
        if isConnected { return }
        close()
        // Our defaults come first so that the same keys inside `conninfo` override them.
        // No statement may hold a worker thread for long: a stuck query costs one request.
        let keywords = ["application_name", "options", "dbname"]
        let values = ["gatehouse", "-c statement_timeout=\(Int(timeout * 1000)) -c client_min_messages=warning", conninfo]
        let started = withCStrings(keywords) { keys in
            withCStrings(values) { vals in PQconnectStartParams(keys, vals, 1) }
        }
        guard let connection = started else { throw DatabaseError(sqlState: nil, message: "out of memory") }
        let deadline = MonotonicClock.now() + timeout
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK {
            guard state != PGRES_POLLING_FAILED, PQstatus(connection) != CONNECTION_BAD else {
                let message = String(cString: PQerrorMessage(connection)).trimmingNewline()
                PQfinish(connection)
                throw DatabaseError(sqlState: nil, message: message)
            }
            guard Self.wait(for: PQsocket(connection), writing: state == PGRES_POLLING_WRITING, until: deadline) else {
                PQfinish(connection)
                throw .deadlineMissed("no connection within \(timeout) s")
            }
            state = PQconnectPoll(connection)
        }
        // Sends never block either: `exchange` flushes what the socket does not take at once.
        PQsetnonblocking(connection, 1)
        handle = connection
        preparedOnServer = []
        onConnect?()
    }

    /// Closes the connection; the next statement re-opens it.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        preparedOnServer = []
    }

    /// Runs a prepared statement with text parameters, preparing it first on this
    /// connection (again after a reconnect) when needed.
    /// - Throws: `DatabaseError`; a connection failure closes the connection for a later retry.
    public func execute(_ statement: PreparedStatement, _ parameters: [String?] = []) throws(DatabaseError) -> QueryResult {
        try execute(statement, parameters, reading: Self.rows(of:))
    }

    /// Runs a prepared statement like `execute(_:_:)` and reads its first row in place:
    /// `read` gets the row (`nil` when there is none) and takes only the values it needs,
    /// so a hot statement copies no column it does not use into a string.
    public func execute<T>(_ statement: PreparedStatement, _ parameters: [String?],
                           firstRow read: (ResultRow?) -> T) throws(DatabaseError) -> T {
        try execute(statement, parameters) { result in
            read(PQntuples(result) > 0 ? ResultRow(result: result, row: 0) : nil)
        }
    }

    private func execute<T>(_ statement: PreparedStatement, _ parameters: [String?],
                            reading read: (OpaquePointer) -> T) throws(DatabaseError) -> T {
        try perform { connection throws(DatabaseError) in
            if !preparedOnServer.contains(statement.name) {
                _ = try exchange(connection, reading: { _ in () }) { PQsendPrepare($0, statement.name, statement.sql, 0, nil) }
                preparedOnServer.insert(statement.name)
            }
            return try exchange(connection, reading: read) { connection in
                withCParameters(parameters) { PQsendQueryPrepared(connection, statement.name, Int32(parameters.count), $0, nil, nil, 0) }
            }
        }
    }

    /// Runs one SQL statement with text parameters (not prepared: for rare statements).
    public func query(_ sql: String, _ parameters: [String?] = []) throws(DatabaseError) -> QueryResult {
        try perform { connection throws(DatabaseError) in
            try exchange(connection, reading: Self.rows(of:)) { connection in
                withCParameters(parameters) { PQsendQueryParams(connection, sql, Int32(parameters.count), nil, $0, nil, nil, 0) }
            }
        }
    }

    /// Runs a script of several statements without parameters (migrations).
    public func run(script: String) throws(DatabaseError) {
        try perform { connection throws(DatabaseError) in try exchange(connection, reading: { _ in () }) { PQsendQuery($0, script) } }
    }

    /// Every statement path: fails at once while the database is listed as unresponsive,
    /// else opens the connection and runs `work`. If a connection that was open turns out
    /// dead (the server restarted while it sat idle), reconnects and runs `work` once more:
    /// the statement cannot have run on a connection the server had already closed. A
    /// missed deadline is never retried.
    private func perform<T>(_ work: (OpaquePointer) throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        if !isProbe, Unresponsive.contains(conninfo) {
            throw .deadlineMissed("the database missed a deadline and has not answered the probe since")
        }
        if inTransaction, handle == nil {
            throw DatabaseError(sqlState: "08003", message: "the connection was lost inside a transaction")
        }
        let wasOpen = handle != nil
        do {
            do {
                return try work(try openHandle())
            } catch where wasOpen && !inTransaction && error.isConnectionFailure && handle == nil {
                return try work(try openHandle())
            }
        } catch {
            if error.timedOut { Unresponsive.mark(conninfo, timeout: timeout) }
            throw error
        }
    }

    private func openHandle() throws(DatabaseError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        try connect()
        return handle!
    }

    /// Sends one command with `send`, then collects its results, waiting at most `timeout`
    /// for each; the first failed result, else the last, is the outcome, handed to `read`.
    private func exchange<T>(_ connection: OpaquePointer, reading read: (OpaquePointer) -> T,
                             _ send: (OpaquePointer) -> Int32) throws(DatabaseError) -> T {
        guard send(connection) == 1 else { throw failure(of: nil, connection)! }
        var kept: OpaquePointer?
        defer { PQclear(kept) }
        while true {
            let deadline = MonotonicClock.now() + timeout
            // Read only after poll says there is something: the answer never comes back
            // before the query has left, and its end usually arrives with its rows, so a
            // read on spec would be one more system call that finds nothing.
            var unsent = PQflush(connection)  // 0: all sent, 1: more to send, -1: failed
            while unsent != 0 || PQisBusy(connection) == 1 {
                guard unsent >= 0 else { throw failure(of: nil, connection)! }
                guard Self.wait(for: PQsocket(connection), writing: unsent == 1, until: deadline) else {
                    close()
                    throw .deadlineMissed("no answer within \(timeout) s")
                }
                guard PQconsumeInput(connection) == 1 else { throw failure(of: nil, connection)! }
                unsent = PQflush(connection)
            }
            guard let result = PQgetResult(connection) else { break }
            if let kept, Self.failed(kept) {
                PQclear(result)
            } else {
                PQclear(kept)
                kept = result
            }
        }
        if let error = failure(of: kept, connection) { throw error }
        return read(kept!)
    }

    /// Payloads of the notifications (`LISTEN`) that arrived on this connection, waiting up
    /// to `seconds` for the first; `nil` when the connection is closed or lost, for the
    /// caller to reconnect and listen again.
    public func notifications(waitingUpTo seconds: Double) -> [String]? {
        guard let connection = handle, PQstatus(connection) == CONNECTION_OK else { return nil }
        var payloads: [String] = []
        func drain() {
            while let note = PQnotifies(connection) {
                payloads.append(String(cString: note.pointee.extra))
                PQfreemem(note)
            }
        }
        drain()
        if payloads.isEmpty, Self.wait(for: PQsocket(connection), writing: false, until: MonotonicClock.now() + seconds) {
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else {
                close()
                return nil
            }
            drain()
        }
        return payloads
    }

    /// Waits until `socket` is readable (or writable, with `writing`).
    /// - Returns: `false` once `deadline` (monotonic seconds) has passed.
    private static func wait(for socket: Int32, writing: Bool, until deadline: Double) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(writing ? POLLIN | POLLOUT : POLLIN), revents: 0)
        while true {
            let left = deadline - MonotonicClock.now()
            guard left > 0 else { return false }
            // Ready, or an error that libpq reports on its next call; EINTR looks again.
            if poll(&descriptor, 1, Int32((left * 1000).rounded(.up))) > 0 { return true }
        }
    }

    private static func failed(_ result: OpaquePointer) -> Bool {
        let status = PQresultStatus(result)
        return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK
    }

    /// The error `result` carries (`nil` stands for libpq's own failure), or `nil` when it
    /// succeeded; a connection failure closes the connection.
    private func failure(of result: OpaquePointer?, _ connection: OpaquePointer) -> DatabaseError? {
        if let result, !Self.failed(result) { return nil }
        var sqlState: String?
        var message = String(cString: PQerrorMessage(connection))
        if let result {
            if let state = PQresultErrorField(result, GH_PG_DIAG_SQLSTATE) { sqlState = String(cString: state) }
            if let primary = PQresultErrorField(result, GH_PG_DIAG_MESSAGE_PRIMARY) { message = String(cString: primary) }
        }
        let error = DatabaseError(sqlState: sqlState, message: message.trimmingNewline())
        if error.isConnectionFailure || PQstatus(connection) != CONNECTION_OK { close() }
        return error
    }

    private static func rows(of result: OpaquePointer) -> QueryResult {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(rows: rows, affectedRows: affected)
    }
}

/// One row of a statement's result, readable only inside the call that hands it out
/// (`DatabaseConnection.execute(_:_:firstRow:)`): libpq frees the result afterwards, so
/// a row must never be kept.
public struct ResultRow {
    fileprivate let result: OpaquePointer
    fileprivate let row: Int32

    fileprivate init(result: OpaquePointer, row: Int32) {
        self.result = result
        self.row = row
    }

    /// Whether the value at `column` is SQL NULL.
    public func isNull(_ column: Int) -> Bool {
        PQgetisnull(result, row, Int32(column)) == 1
    }

    /// The value at `column` as text, `nil` for NULL.
    public func string(_ column: Int) -> String? {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value at `column` as an integer, `nil` for NULL or text that is not one.
    public func int(_ column: Int) -> Int? {
        // Integers print in under 16 bytes: a small string, no allocation.
        string(column).flatMap { Int($0) }
    }

    /// Whether the value at `column` is boolean true (`t`).
    public func bool(_ column: Int) -> Bool {
        withBytes(column) { $0.count == 1 && $0[0] == UInt8(ascii: "t") } ?? false
    }

    /// Calls `body` with the text bytes at `column` (valid only during the call), or
    /// returns `nil` for NULL.
    public func withBytes<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard !isNull(column), let value = PQgetvalue(result, row, Int32(column)) else { return nil }
        let count = Int(PQgetlength(result, row, Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: count) { body(UnsafeBufferPointer(start: $0, count: count)) }
    }
}

/// Calls `body` with a NULL-terminated array of C strings, as `PQconnectdbParams` wants.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withCParameters(strings.map { Optional($0) }, body)
}

/// Packs optional strings into one contiguous buffer (never `UnsafePointer(array)`), so
/// every pointer stays valid while libpq reads them; the pointer array ends with an extra
/// NULL. Both buffers are temporary allocations, on the stack at a statement's usual
/// size: parameters are packed on every request.
private func withCParameters<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var byteCount = 0
    for value in values { byteCount += (value?.utf8.count ?? 0) + 1 }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: byteCount) { storage in
        withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: values.count + 1) { pointers in
            var offset = 0
            for (index, value) in values.enumerated() {
                guard var value else {
                    pointers[index] = nil
                    continue
                }
                let start = storage.baseAddress! + offset
                value.withUTF8 { bytes in
                    if let source = bytes.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: source, byteCount: bytes.count) }
                    offset += bytes.count
                }
                storage[offset] = 0
                offset += 1
                pointers[index] = UnsafePointer(start)
            }
            pointers[values.count] = nil
            return body(UnsafePointer(pointers.baseAddress!))
        }
    }
}

extension String {
    /// The text without trailing newlines, as libpq messages end with one.
    func trimmingNewline() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
