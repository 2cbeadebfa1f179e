/// How Gatehouse sends mail (SMTP_URL, MAIL_FROM, MAIL_DIR, RESET_MAX_AGE), checked by
/// `Configuration.mailSettings`. Mail is on when PUBLIC_URL is set, since every mail
/// Gatehouse writes links back to the site.
public struct MailSettings: Sendable, Equatable {
    /// Where mail is handed over; `nil` writes `.eml` files to `directory` instead.
    var smtp: SMTPEndpoint?
    /// The sender of every mail (MAIL_FROM, else `gatehouse@<PUBLIC_URL host>`).
    var sender: MailAddress
    /// Where mail is written without SMTP_URL (MAIL_DIR).
    var directory: String
    /// Seconds a password-reset link is good for (RESET_MAX_AGE).
    var resetMaxAge: Int

    /// The defaults: files under `.run/mail` from `gatehouse@localhost`, links good for 30 minutes.
    public init() {
        smtp = nil
        sender = MailAddress("gatehouse@localhost")!
        directory = ".run/mail"
        resetMaxAge = 1800
    }

    /// Every key these settings come from.
    static let keys: Set<String> = ["SMTP_URL", "MAIL_FROM", "MAIL_DIR", "RESET_MAX_AGE"]

    /// `KEY=value` pairs for `gatehouse check-config`, the SMTP password masked.
    var redactedLines: [(String, String)] {
        [
            ("SMTP_URL", smtp.map { SMTPEndpoint.redacted($0.url) } ?? ""),
            ("MAIL_FROM", sender.text),
            ("MAIL_DIR", directory),
            ("RESET_MAX_AGE", String(resetMaxAge)),
        ]
    }
}
