import Foundation
@testable import Gatehouse

/// Mail as the tests read it from the outbox, decoded as `MailText` does, and the
/// address-confirmation links in it.
enum QueuedMail {
    /// The outbox's messages to `recipient`, oldest first, decoded.
    static func outbox(_ connection: DatabaseConnection, to recipient: String) throws -> [String] {
        try connection.query("SELECT convert_from(message, 'UTF8') FROM mail_outbox WHERE recipient = $1 ORDER BY id", [recipient])
            .rows.compactMap { $0[0].map(MailText.decoded) }
    }

    /// The first `/auth/confirm-email/<token>` path in `message`.
    static func confirmationPath(in message: String) -> String? {
        guard let range = message.range(of: "/auth/confirm-email/[A-Za-z0-9_-]{43}", options: .regularExpression) else { return nil }
        return String(message[range])
    }
}
