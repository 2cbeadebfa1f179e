extension RequestContext {
    /// Queues mail `kind` to `recipient` from MAIL_FROM on this request's connection: call
    /// it inside the transaction of the change it tells of. `site` (PUBLIC_URL, for links)
    /// is among the values unless `values` sets it.
    /// - Returns: the outbox row's id.
    @discardableResult
    func queueMail(_ kind: MailKind, to recipient: MailAddress, name: String? = nil, values: TemplateObject = [:]) throws -> Int {
        var model = values
        if model["site"] == nil { model["site"] = .string(configuration.publicURL ?? "") }
        return try application.mailTemplates.queue(kind, from: configuration.mail.sender, to: recipient, name: name, values: model,
                                                   on: database, metrics: application.metrics)
    }
}
