extension Configuration {
    /// Where the mail templates are: `mail/` in TEMPLATES_DIR.
    public var mailTemplatesDir: String {
        (templatesDir.hasSuffix("/") ? templatesDir : templatesDir + "/") + "mail"
    }

    /// Longest RESET_MAX_AGE accepted: a week.
    static let maximumResetAge = 604_800

    /// Checks SMTP_URL, MAIL_FROM, MAIL_DIR and RESET_MAX_AGE.
    /// - Parameters:
    ///   - value: the merged value of a key, `nil` when unset or empty.
    ///   - publicURL: the checked PUBLIC_URL; SMTP_URL needs it, since mail carries links.
    /// - Throws: `ConfigurationError` naming the first invalid key.
    static func mailSettings(_ value: (String) -> String?, publicURL: String?) throws(ConfigurationError) -> MailSettings {
        var settings = MailSettings()
        if let text = value("SMTP_URL") {
            guard publicURL != nil else {
                throw ConfigurationError(key: "SMTP_URL", message: "needs PUBLIC_URL, the site the links in mail lead to")
            }
            settings.smtp = try SMTPEndpoint(parsing: text)
        }
        if let text = value("MAIL_FROM") {
            guard let address = MailAddress(text) else {
                throw ConfigurationError(
                    key: "MAIL_FROM",
                    message: "expected a plain address such as gatehouse@example.com (\(MailAddress.problem(text) ?? "")), got \"\(text)\"")
            }
            settings.sender = address
        } else if let publicURL, let host = WebOrigin(header: publicURL)?.host, let address = MailAddress("gatehouse@" + host) {
            settings.sender = address
        }
        if let text = value("MAIL_DIR") {
            guard !text.utf8.contains(0) else {
                throw ConfigurationError(key: "MAIL_DIR", message: "expected a directory path")
            }
            settings.directory = text
        }
        if let text = value("RESET_MAX_AGE") {
            settings.resetMaxAge = try wholeNumber(
                text, key: "RESET_MAX_AGE", range: 60...maximumResetAge, noun: "a whole number of seconds")
        }
        return settings
    }
}
