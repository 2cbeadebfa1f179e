import Glibc

/// fd 0 as plain CGI (a request body) or FastCGI (a listening socket) sees it.
public enum StandardInput {
    /// Whether fd 0 is a listening socket, as spawn-fcgi and mod_fcgid hand one over.
    public static var isListeningSocket: Bool {
        var listening: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        // Fails (ENOTSOCK) for a pipe, a file or a terminal; 0 for a connected socket.
        return getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0
    }

    /// Reads up to `limit` bytes, stopping early at end of input.
    static func read(limit: Int) -> [UInt8] {
        guard limit > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress! + filled, limit - filled) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Reads and drops up to `limit` bytes.
    static func discard(limit: Int) {
        var dropped = 0
        while dropped < limit {
            let got = read(limit: min(16 * 1024, limit - dropped)).count
            if got == 0 { break }
            dropped += got
        }
    }
}
