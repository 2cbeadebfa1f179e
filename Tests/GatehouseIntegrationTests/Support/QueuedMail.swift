import Foundation
@testable import Gatehouse

/// Mail as the tests read it: the outbox's rows, or a message an SMTP server stored, with
/// its quoted-printable soft breaks and escapes undone so links and words can be searched.
enum QueuedMail {
    /// The outbox's messages to `recipient`, oldest first, decoded.
    static func outbox(_ connection: DatabaseConnection, to recipient: String) throws -> [String] {
        try connection.query("SELECT convert_from(message, 'UTF8') FROM mail_outbox WHERE recipient = $1 ORDER BY id", [recipient])
            .rows.compactMap { $0[0].map(decoded) }
    }

    /// `raw` with quoted-printable undone (soft line breaks joined, `=XX` decoded).
    static func decoded(_ raw: String) -> String {
        let bytes = Array(raw.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `/auth/confirm-email/<token>` path in `message`.
    static func confirmationPath(in message: String) -> String? {
        guard let range = message.range(of: "/auth/confirm-email/[A-Za-z0-9_-]{43}", options: .regularExpression) else { return nil }
        return String(message[range])
    }
}
