import Glibc

/// Without SMTP_URL, each mail becomes an `.eml` file in MAIL_DIR: written to a hidden
/// temporary name, flushed, then renamed, so a reader never sees half a message.
enum MailFiles {
    /// Writes `message` as `<name>.eml` in `directory` (created, mode 0700, when missing).
    /// - Throws: `MailDeliveryError` with the failing call and `strerror` text.
    static func write(_ message: [UInt8], named name: String, in directory: String) throws(MailDeliveryError) {
        try makeDirectory(directory)
        let temporary = "\(directory)/.\(name).tmp"
        let final = "\(directory)/\(name).eml"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("open \(temporary)") }
        var written = 0
        while written < message.count {
            let count = message.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure("write \(temporary)")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, final) == 0 else {
            let error = failure("save \(final)")
            unlink(temporary)
            throw error
        }
    }

    /// `mkdir -p` with mode 0700 for what it creates.
    private static func makeDirectory(_ path: String) throws(MailDeliveryError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0, errno != EEXIST { throw failure("mkdir \(prefix)") }
        }
    }

    private static func failure(_ what: String) -> MailDeliveryError {
        MailDeliveryError(replyCode: nil, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
