import CCurl

/// Hands one rendered message to an SMTP server: the only Swift file that touches libcurl.
///
/// `smtp://` must be upgraded with STARTTLS (the transfer fails when the server does not
/// offer it) unless the host is a loopback address, where a local relay without TLS is
/// common and nothing crosses a network; `smtps://` is TLS from the first byte. Server
/// certificates are checked against the system's trusted ones (libcurl's default).
/// Credentials come from the URL's user info, which libcurl reads itself.
struct SMTPClient: Sendable {
    /// SMTP_URL as configured.
    let endpoint: SMTPEndpoint

    /// Seconds allowed to connect, and for the whole exchange.
    static let connectTimeout = 10
    static let transferTimeout = 60

    /// libcurl opened (CCurl's shim.h says why it is not linked) and set up, once before
    /// the first transfer (Swift makes the first access to a static thread-safe); nil when
    /// that worked, else why not.
    private static let loadFailure: String? = gatehouse_curl_load() ? nil : String(cString: gatehouse_curl_load_error())

    /// Sends `message` (CRLF lines, headers and body) from `sender` to `recipient`.
    /// - Throws: `MailDeliveryError` with the server's reply code when it gave one; its
    ///   text never holds the message.
    func send(_ message: [UInt8], from sender: MailAddress, to recipient: MailAddress) throws(MailDeliveryError) {
        if let failure = Self.loadFailure {
            throw MailDeliveryError(replyCode: nil, reason: "libcurl could not be loaded: " + failure)
        }
        guard let handle = gatehouse_curl_easy_init() else {
            throw MailDeliveryError(replyCode: nil, reason: "libcurl could not be initialised")
        }
        defer { gatehouse_curl_easy_cleanup(handle) }
        let recipients = gatehouse_curl_slist_append(nil, "<\(recipient.text)>")
        defer { gatehouse_curl_slist_free_all(recipients) }
        let upload = Upload(message)
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }

        var status = CURLE_OK
        func set(_ outcome: CURLcode) { if status == CURLE_OK { status = outcome } }
        set(gatehouse_curl_set_string(handle, CURLOPT_URL, endpoint.url))
        set(gatehouse_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        set(gatehouse_curl_set_long(handle, CURLOPT_USE_SSL,
                                    Int(endpoint.tlsOptional ? CURLUSESSL_TRY.rawValue : CURLUSESSL_ALL.rawValue)))
        set(gatehouse_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender.text)>"))
        set(gatehouse_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipients))
        set(gatehouse_curl_set_long(handle, CURLOPT_UPLOAD, 1))
        set(gatehouse_curl_set_long(handle, CURLOPT_INFILESIZE_LARGE, message.count))
        set(gatehouse_curl_set_read_function(handle, { buffer, size, count, raw in
            Unmanaged<Upload>.fromOpaque(raw!).takeUnretainedValue().read(into: buffer, capacity: size * count)
        }))
        set(gatehouse_curl_set_pointer(handle, CURLOPT_READDATA, context.toOpaque()))
        set(gatehouse_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, Self.connectTimeout))
        set(gatehouse_curl_set_long(handle, CURLOPT_TIMEOUT, Self.transferTimeout))
        // Timeouts without SIGALRM: signals belong to the serve loop.
        set(gatehouse_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        guard status == CURLE_OK else {
            throw MailDeliveryError(replyCode: nil, reason: "libcurl refused an option: " + String(cString: gatehouse_curl_easy_strerror(status)))
        }
        let outcome = gatehouse_curl_easy_perform(handle)
        guard outcome == CURLE_OK else {
            var code = 0
            _ = gatehouse_curl_response_code(handle, &code)
            throw MailDeliveryError(replyCode: code > 0 ? code : nil, reason: String(cString: gatehouse_curl_easy_strerror(outcome)))
        }
    }

    /// The message being read out to libcurl.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func read(into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) -> Int {
            let count = min(capacity, bytes.count - offset)
            guard let buffer, count > 0 else { return 0 }
            bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }
}

/// Why a message was not handed over: the SMTP reply code when the server gave one, and
/// libcurl's description of the failure (never the message or its recipient).
struct MailDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    let replyCode: Int?
    let reason: String

    var description: String {
        replyCode.map { "SMTP \($0): \(reason)" } ?? reason
    }
}
