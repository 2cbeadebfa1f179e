import CLibPQ

/// One PostgreSQL connection with its prepared statements; never shared between threads.
///
/// The only Swift file that touches libpq. It is deliberately not `Sendable`: each worker
/// thread creates its own inside its closure, as libpq allows one thread per `PGconn`.
/// A lost connection is re-opened (and its statements re-prepared) on the next call.
public final class DatabaseConnection {
    private let conninfo: String
    private var handle: OpaquePointer?
    private var preparedOnServer: Set<String> = []
    /// Called after each successful (re)connection, for metrics.
    public var onConnect: (() -> Void)?

    /// Remembers the connection string; nothing is opened until first use.
    public init(conninfo: String) {
        self.conninfo = conninfo
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
    /// - Throws: `DatabaseError` with libpq's message when the server cannot be reached.
    public func connect() throws(DatabaseError) {
        if isConnected { return }
        close()
        // Our defaults come first so that the same keys inside `conninfo` override them.
        // No statement may hold a worker thread for long: a stuck query costs one request.
        let keywords = ["connect_timeout", "application_name", "options", "dbname"]
        let values = ["2", "gatehouse", "-c statement_timeout=2000 -c client_min_messages=warning", conninfo]
        let connection = withCStrings(keywords) { keys in
            withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw DatabaseError(sqlState: nil, message: message.trimmingNewline())
        }
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
        try retryingStaleConnection { () throws(DatabaseError) -> QueryResult in
            let connection = try openHandle()
            if !preparedOnServer.contains(statement.name) {
                let result = PQprepare(connection, statement.name, statement.sql, 0, nil)
                defer { PQclear(result) }
                try check(result, connection)
                preparedOnServer.insert(statement.name)
            }
            let result = withCParameters(parameters) { params in
                PQexecPrepared(connection, statement.name, Int32(parameters.count), params, nil, nil, 0)
            }
            defer { PQclear(result) }
            return try rows(of: result, connection)
        }
    }

    /// Runs one SQL statement with text parameters (not prepared: for rare statements).
    public func query(_ sql: String, _ parameters: [String?] = []) throws(DatabaseError) -> QueryResult {
        try retryingStaleConnection { () throws(DatabaseError) -> QueryResult in
            let connection = try openHandle()
            let result = withCParameters(parameters) { params in
                PQexecParams(connection, sql, Int32(parameters.count), nil, params, nil, nil, 0)
            }
            defer { PQclear(result) }
            return try rows(of: result, connection)
        }
    }

    /// Runs `work`; if a connection that was open turns out dead (the server restarted
    /// while it sat idle), reconnects and runs it once more. The statement cannot have run
    /// on a connection the server had already closed, so the retry does not repeat it.
    private func retryingStaleConnection(_ work: () throws(DatabaseError) -> QueryResult) throws(DatabaseError) -> QueryResult {
        let wasOpen = handle != nil
        do {
            return try work()
        } catch {
            guard wasOpen, error.isConnectionFailure, handle == nil else { throw error }
            return try work()
        }
    }

    /// Runs a script of several statements without parameters (migrations).
    public func run(script: String) throws(DatabaseError) {
        let connection = try openHandle()
        let result = PQexec(connection, script)
        defer { PQclear(result) }
        try check(result, connection)
    }

    private func openHandle() throws(DatabaseError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        try connect()
        return handle!
    }

    private func check(_ result: OpaquePointer?, _ connection: OpaquePointer) throws(DatabaseError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        var sqlState: String?
        var message = String(cString: PQerrorMessage(connection))
        if let result {
            if let state = PQresultErrorField(result, GH_PG_DIAG_SQLSTATE) { sqlState = String(cString: state) }
            if let primary = PQresultErrorField(result, GH_PG_DIAG_MESSAGE_PRIMARY) { message = String(cString: primary) }
        }
        let error = DatabaseError(sqlState: sqlState, message: message.trimmingNewline())
        if error.isConnectionFailure || PQstatus(connection) != CONNECTION_OK { close() }
        throw error
    }

    private func rows(of result: OpaquePointer?, _ connection: OpaquePointer) throws(DatabaseError) -> QueryResult {
        try check(result, connection)
        guard let result else { return QueryResult(columns: [], rows: [], affectedRows: 0) }
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }
}

/// Calls `body` with a NULL-terminated array of C strings, as `PQconnectdbParams` wants.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withCParameters(strings.map { Optional($0) }, terminated: true, body)
}

/// Packs optional strings into one contiguous buffer (never `UnsafePointer(array)`), so
/// every pointer stays valid while libpq reads them.
private func withCParameters<R>(_ values: [String?], terminated: Bool = false, _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var storage: [CChar] = []
    var offsets: [Int?] = []
    for value in values {
        guard let value else { offsets.append(nil); continue }
        offsets.append(storage.count)
        storage.append(contentsOf: value.utf8.map { CChar(bitPattern: $0) })
        storage.append(0)
    }
    return storage.withUnsafeBufferPointer { buffer in
        var pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { buffer.baseAddress! + $0 } }
        if terminated { pointers.append(nil) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
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
