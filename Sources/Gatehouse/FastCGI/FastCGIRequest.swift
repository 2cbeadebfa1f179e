import CFastCGI
import Glibc

/// One libfcgi request slot, for one connection at a time (`FastCGIConnection`), used
/// only by the thread that holds that connection's claim.
///
/// The only Swift file that touches libfcgi. The `FCGX_Request` lives on the heap and
/// never moves, because libfcgi's streams keep a pointer back into it.
final class FastCGIRequest {
    private let raw: UnsafeMutablePointer<FCGX_Request>

    /// Prepares libfcgi once per process; must run before any worker thread starts.
    static func initializeLibrary() {
        _ = FCGX_Init()
    }

    /// Creates a request slot bound to an already listening socket.
    init(listeningSocket: Int32) {
        raw = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        raw.initialize(to: FCGX_Request())
        _ = FCGX_InitRequest(raw, listeningSocket, 0)
    }

    deinit {
        FCGX_Free(raw, 1)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Why `accept` took no connection.
    enum AcceptFailure: Error {
        /// None was waiting (another thread or process took it), or it failed.
        case noConnection
        /// The process has no descriptor left for it (EMFILE or ENFILE).
        case outOfDescriptors
    }

    /// Accepts a waiting connection and reads its params (finishing the previous request).
    func accept() throws(AcceptFailure) {
        let status = FCGX_Accept_r(raw)
        guard status < 0 else { return }
        throw status == -EMFILE || status == -ENFILE ? .outOfDescriptors : .noConnection
    }

    /// Reads the next request on a connection the web server kept open. Never accepts a
    /// new connection in its place (libfcgi would, once it finds the kept one closed).
    /// - Returns: `false` when the web server had closed the connection, which is then closed too.
    func readNext() -> Bool {
        let listening = raw.pointee.listen_sock
        raw.pointee.listen_sock = -1
        defer { raw.pointee.listen_sock = listening }
        return FCGX_Accept_r(raw) >= 0
    }

    /// The connection's file descriptor, or -1 when there is none.
    var connection: Int32 { raw.pointee.ipcFd }

    /// Whether reading the connection would not block: the next request, or its end, arrived.
    var hasInputWaiting: Bool {
        var descriptor = pollfd(fd: raw.pointee.ipcFd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Hands each FastCGI param to `visit` as name and value bytes, valid only during the
    /// call: libfcgi reuses them for the next request.
    func forEachParam(_ visit: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        guard var cursor = raw.pointee.envp else { return }
        while let entry = cursor.pointee {
            let pair = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                visit(UnsafeRawBufferPointer(rebasing: pair[..<equals]), UnsafeRawBufferPointer(rebasing: pair[(equals + 1)...]))
            }
            cursor += 1
        }
    }

    /// Reads the request body, at most `limit` bytes.
    func readBody(limit: Int) -> [UInt8] {
        guard limit > 0 else { return [] }
        var body = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let got = body.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: limit) { base in
                    FCGX_GetStr(base + filled, Int32(limit - filled), raw.pointee.in)
                }
            }
            if got <= 0 { break }
            filled += Int(got)
        }
        body.removeSubrange(filled...)
        return body
    }

    /// Reads and drops what is left of the request's input, up to `limit` bytes, so the web
    /// server is not cut off while still sending (a body Gatehouse refuses, or the empty
    /// STDIN record that ends every request).
    /// - Returns: whether the end of the input was reached.
    private func discardInput(limit: Int) -> Bool {
        let input = raw.pointee.in
        // Runs once per request, usually to parse one buffered record: 1 KiB is the most
        // Swift's temporary allocation keeps on the stack.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { scratch in
            var dropped = 0
            while FCGX_HasSeenEOF(input) == 0 && dropped <= limit {
                let got = FCGX_GetStr(scratch.baseAddress, Int32(scratch.count), input)
                if got <= 0 { break }
                dropped += Int(got)
            }
            return FCGX_HasSeenEOF(input) != 0
        }
    }

    /// Closes a connection between requests, at once: nothing is left unread to linger for.
    func close() {
        guard raw.pointee.ipcFd >= 0 else { return }
        _ = FCGX_Detach(raw)
        FCGX_Free(raw, 1)
    }

    /// Writes response bytes to the web server.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                _ = FCGX_PutStr(chars, Int32(buffer.count), raw.pointee.out)
            }
        }
    }

    /// Ends the request: flushes output and closes the connection (no keep-alive).
    ///
    /// libfcgi closes by default with a lingering close: shut down writing, then wait up
    /// to two seconds reading until the web server hangs up, so that closing with
    /// request bytes still unread cannot reset the connection before the web server has
    /// read the answer. The wait puts the thread to sleep until nginx has read the answer,
    /// once per request. Once the web server has sent all it will (the input's end, the
    /// empty STDIN record, is read) and nothing is left unread, a plain close resets
    /// nothing, so the request is detached (libfcgi's flag for closing without the linger)
    /// and the thread goes on to the next connection. The input's end must be read first:
    /// nginx sends it with the params, but Apache's mod_proxy_fcgi writes it separately,
    /// and a connection closed before that write makes Apache answer 503 in place of the
    /// page. The same drain takes an oversize body refused unread, up to 1 MiB (nginx's
    /// client_max_body_size bounds it anyway); a request that left more keeps the linger.
    func finish() {
        let connection = raw.pointee.ipcFd
        if connection >= 0 {
            let drained = discardInput(limit: 1 << 20)
            if raw.pointee.keepConnection != 0 {
                // Kept open (nginx `fastcgi_keep_conn on`) only when nothing of this request
                // is left: leftover records would be read as the next request's.
                if !drained { raw.pointee.keepConnection = 0 }
            } else if drained, Linux.unreadBytes(connection) == 0 {
                _ = FCGX_Detach(raw)
            }
        }
        FCGX_Finish_r(raw)
    }
}
