/// Everything a handler needs for one request: the request, the session, the worker's
/// database connection and the application's immutable parts.
///
/// A value made per request on the worker thread; it holds the thread's own
/// `DatabaseConnection`, so it never crosses threads.
public struct RequestContext {
    /// The request being answered.
    public let request: Request
    /// The application (configuration, templates).
    public let application: Application
    /// This worker thread's connection.
    public let database: DatabaseConnection
    /// A stand-in for the session table that `session()` asks instead (tests). `nil` in
    /// production, where `session()` calls `sessionStore` directly: a nil reference is all
    /// the seam adds to a request (about 40 instructions of 38,300 for a signed-in
    /// `/auth/check`, callgrind), where a `SessionStore` held as an existential added 200.
    let sessionLookup: (any SessionLookup & AnyObject)?
    /// The client's address: REMOTE_ADDR, or X-Forwarded-For's when nginx sits behind a
    /// trusted proxy.
    public let clientAddress: String
    /// The valid-looking token the visitor's cookie carried, if any (not yet checked
    /// against the database).
    public let presentedToken: SessionToken?
    /// The session token the answer will carry in its cookie (rotated at login and logout).
    public var sessionToken: SessionToken
    /// The session lookup's result once made: `.some(nil)` means anonymous.
    var resolvedSession: SessionStore.Found??

    /// The configuration in force.
    public var configuration: Configuration { application.configuration }

    /// The audit log on this worker's connection.
    public var audit: AuditLog { AuditLog(database: database) }

    /// The CSRF token for the current session token, for forms.
    public var csrfToken: String {
        CSRFToken.make(key: application.csrfKey, sessionToken: sessionToken)
    }

    /// Creates the context for one request.
    init(request: Request, application: Application, database: DatabaseConnection, sessionLookup: (any SessionLookup & AnyObject)?,
         presentedToken: SessionToken?) {
        self.request = request
        self.application = application
        self.database = database
        self.sessionLookup = sessionLookup
        self.presentedToken = presentedToken
        self.clientAddress = ClientAddress.resolve(remote: request.remoteAddress, forwardedFor: request.headers["x-forwarded-for"],
                                                   trusted: application.trustedProxies)
        self.sessionToken = presentedToken ?? SessionToken.generate()
    }

    /// Renders `template` inside the layout with the values every page needs.
    /// - Parameters:
    ///   - template: a template name from `templates/` (without `.html`).
    ///   - status: the HTTP status of the answer.
    ///   - values: the page's own view model; `csrf_token` and the navbar's `user` are added.
    public func page(_ template: String, status: HTTPStatus = .ok, _ values: TemplateObject = [:]) -> Response {
        var model = values
        model.reserveCapacity(values.count + 3)  // csrf_token, flash, user
        model["csrf_token"] = .string(csrfToken)
        if model["flash"] == nil, let flash = Flash.value(for: request) { model["flash"] = flash }
        if case .some(.some(let found)) = resolvedSession, model["user"] == nil {
            model["user"] = .object([
                "username": .string(found.user.username),
                "is_admin": .bool(found.user.isAdmin),
                "is_super": .bool(found.user.has("super")),
            ])
        }
        var body: [UInt8] = []
        body.reserveCapacity(4096)
        application.templates.render(template, .object(model), into: &body)
        return .html(body, status: status)
    }
}
