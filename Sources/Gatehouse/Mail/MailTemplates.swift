/// Every mail Gatehouse writes. Each has two templates in `templates/mail/`:
/// `<name>.txt`, whose first line is `Subject: …` and, after a blank line, the plain
/// text; and `<name>.html`, the HTML alternative. Start-up fails when one is missing.
public enum MailKind: String, CaseIterable, Sendable {
    /// A password-reset link: `link`, `minutes`, `username`.
    case reset
    /// A link that makes a new address the user's: `link`, `hours`, `username`.
    case confirmEmail = "confirm_email"
    /// To the address just replaced: `username`, `when`.
    case emailChanged = "email_changed"
    /// `username`, `when`.
    case passwordChanged = "password_changed"
    /// `change` (a sentence), `username`, `when`.
    case factorChanged = "factor_changed"
    /// `left` (codes), `username`, `when`.
    case recoveryCodeUsed = "recovery_code_used"
}

/// `templates/mail/`, parsed once at start-up like the pages, rendered into `MailMessage`s.
///
/// Plain-text templates write values with triple braces (`{{{link}}}`): a double-brace
/// variable would HTML-escape into the text (`&amp;`), so start-up refuses one.
public struct MailTemplates: Sendable {
    let text: TemplateLibrary
    let html: TemplateLibrary

    /// No templates: every mail fails to render (for tests of pages that send none).
    public init() {
        text = TemplateLibrary(templates: [:])
        html = TemplateLibrary(templates: [:])
    }

    /// Parses `directory`'s `*.txt` and `*.html` files.
    /// - Throws: `TemplateError` naming the file: a syntax error, a `MailKind` without both
    ///   templates, a plain-text template without its `Subject:` line or with a
    ///   double-brace variable.
    public init(directory: String) throws(TemplateError) {
        text = try TemplateLibrary(directory: directory, suffix: ".txt")
        html = try TemplateLibrary(directory: directory, suffix: ".html")
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for kind in MailKind.allCases {
            for (library, suffix) in [(text, ".txt"), (html, ".html")] where !library.contains(kind.rawValue) {
                throw TemplateError(file: prefix + kind.rawValue + suffix, line: 0, message: "missing: every mail has a .txt and an .html template")
            }
        }
        for name in text.names {
            let file = prefix + name + ".txt"
            if let line = Self.firstEscapedVariable(in: text.templates[name]?.nodes ?? []) {
                throw TemplateError(file: file, line: line, message: "plain-text mail writes values as {{{name}}}: {{name}} would HTML-escape them")
            }
            guard Self.split(text.render(name, .object([:]))) != nil else {
                throw TemplateError(file: file, line: 1, message: "expected the first line \"Subject: …\" and then a blank line")
            }
        }
    }

    /// Why a mail could not be rendered.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let kind: MailKind
        public var description: String { "mail \(kind.rawValue): no templates, or no Subject: line" }
    }

    /// Mail `kind` rendered with `values`. Values are single lines: their control
    /// characters become spaces, so none can end the `Subject:` line or shape the text.
    /// - Parameter name: the recipient's name for `To:`, if known.
    /// - Throws: `Failure` when the templates are absent (an application built without them).
    func message(_ kind: MailKind, from sender: MailAddress, to recipient: MailAddress, name: String? = nil,
                        values: TemplateObject) throws(Failure) -> MailMessage {
        let model = Self.singleLine(.object(values))
        guard text.contains(kind.rawValue), html.contains(kind.rawValue),
              let (subject, body) = Self.split(text.render(kind.rawValue, model)) else { throw Failure(kind: kind) }
        return MailMessage(from: sender, to: recipient, name: name, subject: subject, text: body,
                           html: html.render(kind.rawValue, model))
    }

    /// Renders mail `kind` and queues it on `database`. Call it inside the transaction of
    /// the change the mail tells of: the mail then exists exactly when the change commits.
    /// - Returns: the outbox row's id.
    @discardableResult
    func queue(_ kind: MailKind, from sender: MailAddress, to recipient: MailAddress, name: String? = nil,
                      values: TemplateObject, on database: DatabaseConnection, metrics: Metrics? = nil) throws -> Int {
        try Outbox.enqueue(message(kind, from: sender, to: recipient, name: name, values: values), on: database, metrics: metrics)
    }

    /// `value` with every control character in its strings replaced by a space.
    private static func singleLine(_ value: TemplateValue) -> TemplateValue {
        switch value {
        case .string(let text): .string(HeaderText(text).text)
        case .list(let items): .list(items.map(singleLine))
        case .object(let object): .object(TemplateObject(pairs: object.fields.map { ($0.name, singleLine($0.value)) }))
        case .null, .bool, .int, .double: value
        }
    }

    /// `Subject: S\n\nbody` → (S, body); `nil` without that first line.
    private static func split(_ rendered: String) -> (String, String)? {
        guard rendered.hasPrefix("Subject: "), let end = rendered.firstIndex(of: "\n") else { return nil }
        let subject = rendered[rendered.index(rendered.startIndex, offsetBy: 9)..<end]
        var body = rendered[rendered.index(after: end)...]
        guard body.hasPrefix("\n") || body.hasPrefix("\r\n") else { return nil }
        body = body.drop { $0 == "\n" || $0 == "\r\n" }
        var trimmed = subject
        while trimmed.last == " " || trimmed.last == "\r" { trimmed = trimmed.dropLast() }
        return (String(trimmed.drop { $0 == " " }), String(body))
    }

    /// The source line of the first `{{name}}` (escaped) variable, counting line starts.
    private static func firstEscapedVariable(in nodes: [TemplateNode]) -> Int? {
        var line = 1
        func walk(_ nodes: [TemplateNode]) -> Bool {
            for node in nodes {
                switch node {
                case .text(let bytes): line += bytes.filter { $0 == 0x0A }.count
                case .variable(_, let escaped): if escaped { return true }
                case .section(_, _, let children), .block(_, _, let children): if walk(children) { return true }
                case .parent(_, _, let arguments): if arguments.values.contains(where: walk) { return true }
                case .lineStart, .partial: break
                }
            }
            return false
        }
        return walk(nodes) ? line : nil
    }
}
