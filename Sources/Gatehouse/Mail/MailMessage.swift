import Glibc

/// One mail, built only from typed parts: addresses are `MailAddress`, the subject and
/// names `HeaderText`, so no value can add a header or end the headers early.
///
/// Rendered as RFC 5322 with CRLF lines: `From`, `To`, `Subject` (RFC 2047 when not
/// ASCII), `Date`, `Message-ID`, `Auto-Submitted`, and a `multipart/alternative` body of
/// the plain text and, when given, the HTML, both quoted-printable UTF-8.
struct MailMessage: Sendable {
    let sender: MailAddress
    let recipient: MailAddress
    /// The recipient's name for `To:`, if known.
    let recipientName: HeaderText?
    let subject: HeaderText
    let text: String
    let html: String?

    init(from sender: MailAddress, to recipient: MailAddress, name: String? = nil, subject: String, text: String, html: String? = nil) {
        self.sender = sender
        self.recipient = recipient
        recipientName = name.map(HeaderText.init).flatMap { $0.text.isEmpty ? nil : $0 }
        self.subject = HeaderText(subject)
        self.text = text
        self.html = html
    }

    /// The message as sent.
    /// - Parameters:
    ///   - date: seconds since the epoch for `Date:`.
    ///   - uniqueness: random bytes for the Message-ID and the MIME boundary.
    func rendered(date: Int = Int(time(nil)), uniqueness: [UInt8] = OpenSSL.randomBytes(16)) -> [UInt8] {
        let unique = Hex.lower(uniqueness)
        let domain = sender.text[sender.text.index(after: sender.text.lastIndex(of: "@")!)...]
        let to = recipientName.map { "\($0.displayName) <\(recipient.text)>" } ?? recipient.text
        var headers = [
            "From: \(sender.text)",
            "To: \(to)",
            "Subject: \(subject.encoded)",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(unique)@\(domain)>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
        ]
        let textPart = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                        QuotedPrintable.encode(text)]
        var body: [String]
        if let html {
            let boundary = "=_gatehouse_" + unique
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            body = ["This is a message in plain text and HTML.", "", "--" + boundary] + textPart
            body += ["--" + boundary, "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                     QuotedPrintable.encode(html), "--" + boundary + "--"]
        } else {
            headers += textPart.prefix(2)
            body = [textPart[3]]
        }
        return Array((headers + [""] + body).joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
    }

    /// `Sat, 05 Dec 2026 03:23:10 +0000`.
    static func rfc5322Date(_ seconds: Int) -> String {
        var moment = time_t(seconds)
        var parts = tm()
        gmtime_r(&moment, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
