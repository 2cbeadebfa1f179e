import Gatehouse

/// TEMPLATES_DIR parsed as start-up parses it, for `serve` and `check-config` alike, so
/// that check-config reports exactly what would stop serve.
enum StartupTemplates {
    /// The parsed page and mail templates, or `nil` after printing the error
    /// (`file:line: message`). Callers exit 78: unusable templates are invalid
    /// configuration, like any bad value.
    static func load(_ configuration: Configuration) -> (pages: TemplateLibrary, mail: MailTemplates)? {
        do {
            return (try TemplateLibrary(directory: configuration.templatesDir),
                    try MailTemplates(directory: configuration.mailTemplatesDir))
        } catch {
            printError("gatehouse: \(error)")
            return nil
        }
    }
}
