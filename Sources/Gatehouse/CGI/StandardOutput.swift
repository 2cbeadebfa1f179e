import Glibc

/// fd 1, written without buffering: a CGI answer is one block of bytes.
enum StandardOutput {
    /// Writes every byte, retrying short writes and interruptions.
    static func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + sent, bytes.count - sent) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }  // the web server went away; nothing else to tell it
            sent += n
        }
    }
}
