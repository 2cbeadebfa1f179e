/// What happened to a mail, as counted on `/metrics`.
enum MailOutcome: Int, CaseIterable, Sendable {
    /// Written to the outbox by a request of this instance.
    case queued
    /// Accepted by the SMTP server, or written to MAIL_DIR.
    case sent
    /// Given up on after 24 hours of failed attempts.
    case failed

    var label: String {
        switch self {
        case .queued: "queued"
        case .sent: "sent"
        case .failed: "failed"
        }
    }
}

extension Metrics {
    /// The mail counters, and the outbox rows still waiting when known.
    func mailExposition(waiting: Int?) -> String {
        var out = ""
        for outcome in MailOutcome.allCases {
            let name = "gatehouse_mail_\(outcome.label)_total"
            out += "# HELP \(name) Mail \(outcome.label) by this instance.\n# TYPE \(name) counter\n"
            out += "\(name) \(mailCount(outcome))\n"
        }
        if let waiting {
            out += "# HELP gatehouse_mail_waiting Mail in the outbox not yet sent or given up on.\n# TYPE gatehouse_mail_waiting gauge\n"
            out += "gatehouse_mail_waiting \(waiting)\n"
        }
        return out
    }
}
