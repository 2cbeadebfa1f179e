import Glibc

/// One raw FastCGI connection to a responder's unix socket, as a web server opens it:
/// for tests that must control the connection itself (what nginx does with it after the
/// answer), which going through nginx would hide.
final class FastCGIConnection {
    private let socket: Int32

    /// Connects to the unix socket at `path`; reads wait at most `timeout` seconds.
    init(path: String, timeout: Double = 5) throws {
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ClientError("socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw ClientError("connect \(path) failed")
        }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(socket) }

    /// Sends a GET of `path` (request id 1), then reads records up to the end of the request.
    /// - Parameter keep: asks the responder to keep the connection open afterwards, as
    ///   nginx does with `fastcgi_keep_conn on`.
    /// - Returns: the response's stdout (CGI head and body).
    /// - Throws: when the responder closes or the read times out before the end.
    func get(_ path: String, keep: Bool = false) throws -> String {
        try send("GET", path, keep: keep)
    }

    /// Sends a request with `body` on stdin, then reads records up to the end of the request.
    func send(_ method: String, _ path: String, body: [UInt8] = [], keep: Bool = false) throws -> String {
        var params: [UInt8] = []
        var fields = [("REQUEST_METHOD", method), ("REQUEST_URI", path), ("DOCUMENT_URI", path),
                      ("QUERY_STRING", ""), ("REMOTE_ADDR", "127.0.0.1")]
        if !body.isEmpty {
            fields += [("CONTENT_LENGTH", String(body.count)), ("CONTENT_TYPE", "application/x-www-form-urlencoded")]
        }
        for (name, value) in fields {
            params += [UInt8(name.utf8.count), UInt8(value.utf8.count)] + Array(name.utf8) + Array(value.utf8)
        }
        var request = Self.record(type: 1, [0, 1, keep ? 1 : 0, 0, 0, 0, 0, 0])  // BEGIN_REQUEST: responder
        request += Self.record(type: 4, params) + Self.record(type: 4, [])
        var offset = 0
        while offset < body.count {
            let end = min(offset + 65_535, body.count)
            request += Self.record(type: 5, Array(body[offset..<end]))
            offset = end
        }
        request += Self.record(type: 5, [])
        var sent = 0
        while sent < request.count {
            let got = request.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard got > 0 else { throw ClientError("send failed") }
            sent += got
        }
        var output: [UInt8] = []
        while true {
            let header = try read(8)
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try read(length + Int(header[6]))
            switch header[1] {
            case 6: output += content.prefix(length)  // STDOUT
            case 3: return String(decoding: output, as: UTF8.self)  // END_REQUEST
            default: continue
            }
        }
    }

    /// Whether the responder closes the connection within `seconds` (no more bytes come).
    func closesWithin(_ seconds: Double) -> Bool {
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, 0) == 0
    }

    private static func record(type: UInt8, _ content: [UInt8]) -> [UInt8] {
        [1, type, 0, 1, UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0] + content
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { throw ClientError(got == 0 ? "the responder closed the connection" : "no answer in time") }
            filled += got
        }
        return bytes
    }
}
