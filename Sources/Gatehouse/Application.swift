import GatehouseSupervision

/// The whole request pipeline: routes, session cookie, error pages and headers.
///
/// Immutable and shared by every worker thread; `respond(to:database:sessions:)` needs no
/// socket, and with a stand-in for the session table no PostgreSQL either for routing,
/// guards and CSRF, so tests drive it directly.
public final class Application: Sendable {
    /// The configuration it was built with.
    public let configuration: Configuration
    /// Templates parsed once at start.
    public let templates: TemplateLibrary
    /// `templates/mail/`, parsed once at start.
    public let mailTemplates: MailTemplates
    /// TRUSTED_PROXIES, parsed once.
    let trustedProxies: [AddressRange]
    /// METRICS_ALLOW, parsed once.
    let metricsAllow: [AddressRange]
    /// SECRET_KEY prepared once as the HMAC key of CSRF tokens.
    let csrfKey: OpenSSL.HMACKey
    /// The key that signs device cookies, derived from SECRET_KEY once.
    let deviceKey: OpenSSL.HMACKey
    /// The key TOTP secrets are sealed with, derived from SECRET_KEY once.
    let factorKey: FactorSecretKey
    /// The key of passkey user handles, derived from SECRET_KEY once.
    let passkeyHandles: PasskeyUserHandle
    /// The hosts an absolute `next` may name (REDIRECT_HOSTS and PUBLIC_URL's host).
    let redirectHosts: RedirectHosts
    /// PUBLIC_URL's origin, parsed once; `nil` without PUBLIC_URL.
    let publicOrigin: WebOrigin?
    /// This process's counters for `/metrics`.
    public let metrics: Metrics
    /// This process's session lookups (`nil` with SESSION_CACHE_TTL=0); used only while
    /// `SessionCacheListener` runs, which `Server.run` starts.
    let sessionCache: SessionCache?
    private let router: Router

    /// Builds the application and its routes.
    public init(configuration: Configuration, templates: TemplateLibrary, mailTemplates: MailTemplates = MailTemplates(),
                metrics: Metrics = Metrics()) {
        self.configuration = configuration
        self.templates = templates
        self.mailTemplates = mailTemplates
        self.metrics = metrics
        sessionCache = configuration.sessionCacheTTL == 0 ? nil
            : SessionCache(capacity: configuration.sessionCacheSize, ttl: configuration.sessionCacheTTL,
                           invalidation: metrics.sessionInvalidation)
        trustedProxies = configuration.trustedProxies.compactMap(AddressRange.init)
        metricsAllow = configuration.metricsAllow.compactMap(AddressRange.init)
        csrfKey = OpenSSL.HMACKey(configuration.secretKey)
        deviceKey = DeviceCookie.key(secretKey: configuration.secretKey)
        factorKey = FactorSecretKey(secretKey: configuration.secretKey)
        passkeyHandles = PasskeyUserHandle(secretKey: configuration.secretKey)
        redirectHosts = RedirectHosts(configuration)
        publicOrigin = configuration.publicURL.flatMap(WebOrigin.init(header:))
        var router = Router()
        Routes.register(on: &router)
        self.router = router
    }

    /// Loads templates from `TEMPLATES_DIR` (mail from its `mail/`) and builds the application.
    /// - Throws: `TemplateError` naming the file and line of a syntax error.
    public convenience init(configuration: Configuration, metrics: Metrics = Metrics()) throws(TemplateError) {
        self.init(configuration: configuration, templates: try TemplateLibrary(directory: configuration.templatesDir),
                  mailTemplates: try MailTemplates(directory: configuration.mailTemplatesDir), metrics: metrics)
    }

    /// Answers one request.
    /// - Parameters:
    ///   - database: this worker thread's connection.
    ///   - sessions: where the session is looked up instead of the session table on
    ///     `database` (tests); handlers still run their other statements on `database`.
    public func respond(to request: Request, database: DatabaseConnection,
                        sessions: (any SessionLookup & AnyObject)? = nil) -> Response {
        let started = MonotonicClock.now()
        var routeLabel = "unmatched"
        let cookies = CookieHeader(request.headers["cookie"])
        let presented = cookies.uniqueValue(named: configuration.sessionCookieName).flatMap(SessionToken.init(cookieValue:))
        var context = RequestContext(request: request, application: self, database: database, sessionLookup: sessions,
                                     presentedToken: presented)

        let match = router.match(method: request.method, path: request.path)
        var kind = Router.Kind.browser
        switch match {
        case .found(let route, _): kind = route.kind
        case .methodNotAllowed(_, let pathKind): kind = pathKind
        case .notFound: break
        }
        var response: Response
        if request.contentLength > Request.maxBodySize {
            response = refusal(HTTPError(.payloadTooLarge, "The form sent more than 64 KiB."), kind, context)
        } else if !request.query.isEmpty, FormFields(urlEncoded: Array(request.query.utf8)) == nil {
            response = refusal(HTTPError(.badRequest, "The address holds a broken %-escape or invalid characters."), kind, context)
        } else {
            switch match {
            case .notFound:
                // The navbar should still show who is signed in; a failed lookup only hides it.
                _ = try? context.session()
                response = errorPage(HTTPError(.notFound, "There is no page at this address."), context)
            case .methodNotAllowed(let allowed, _):
                response = refusal(HTTPError(.methodNotAllowed, "This page does not accept \(request.method)."), kind, context)
                response.headers.append(("Allow", allowed.joined(separator: ", ")))
            case .found(let route, let pattern):
                routeLabel = pattern
                if route.kind == .browser, let setup = FactorEnrolment.redirect(&context) {
                    response = setup
                } else {
                    response = run(route, &context)
                }
            }
        }
        if kind == .browser {
            response.cookies.append(SessionCookie.make(context.sessionToken, configuration: configuration, request: request))
            if let stale = SessionCookie.staleHostOnly(configuration: configuration, request: request, cookies: cookies) {
                response.cookies.append(stale)
            }
        }
        if response.isHTML {
            response.addSecurityHeaders()
        }
        if request.isHTTPS {
            // On every answer, redirects too: whichever a browser sees first over https sets it.
            response.headers.append(Response.strictTransportSecurity)
        }
        if request.method == "HEAD" { response.body = [] }
        // Every change to a session or user (sign-out, revocations, passwords, scopes,
        // factors, admin actions) is a POST: whatever it committed, no worker of this
        // instance answers from what it cached before, from before this answer is sent.
        // Everything, not the changed user: a per-user mark at each change point would be
        // a revocation bug for every new route that forgets one (the listener would catch
        // it only within 100 ms), and POSTs are rare beside the lookups the cache serves.
        // SameInstanceRevocationTests fails without this line.
        if request.method != "GET", request.method != "HEAD", sessionCache != nil {
            metrics.sessionInvalidation.everythingChanged()
        }
        metrics.recordRequest(route: routeLabel, status: response.status.code, seconds: MonotonicClock.now() - started)
        return response
    }

    /// Runs a handler, turning thrown errors into detail-free pages.
    private func run(_ route: Router.Route, _ context: inout RequestContext) -> Response {
        do {
            return try route.handler(&context)
        } catch let failure as GuardFailure {
            switch failure {
            case .notLoggedIn:
                return .redirect(to: "/auth?next=" + PercentEncoding.queryValue(context.request.pathAndQuery))
            case .alreadyLoggedIn:
                return .redirect(to: "/")
            case .needsConfirmation(let next):
                return .redirect(to: "/auth/confirm?next=" + PercentEncoding.queryValue(SafeRedirect.target(next)))
            case .forbidden(let required):
                return context.page("permission_failed", status: .forbidden, ["required": .string(required)])
            }
        } catch let error as HTTPError {
            return errorPage(error, context)
        } catch is HashingPool.Busy {
            // Refused before any password was judged: nothing is counted or changed, and
            // no thread waits. Retry-After tells scripts; people read the page.
            var response = refusal(HTTPError(.serviceUnavailable,
                "Too many passwords are being checked at this moment. Please try again in a few seconds."), route.kind, context)
            response.headers.append(("Retry-After", String(HashingPool.Busy.retryAfterSeconds)))
            return response
        } catch let error as DatabaseError {
            metrics.recordDatabaseError()
            Log.event("database_error", ["detail": error.description])
            return refusal(HTTPError(.serviceUnavailable, "The service is briefly unavailable. Please try again."), route.kind, context)
        } catch {
            Log.event("internal_error", ["detail": "\(error)"])
            return refusal(HTTPError(.internalServerError, "Something went wrong on our side."), route.kind, context)
        }
    }

    /// An answer Gatehouse gives by itself rather than the handler: the error page for a
    /// browser route, the bare status for a machine endpoint.
    private func refusal(_ error: HTTPError, _ kind: Router.Kind, _ context: RequestContext) -> Response {
        kind == .machine ? Response(status: error.status) : errorPage(error, context)
    }

    /// Renders `error.html` for an `HTTPError`.
    func errorPage(_ error: HTTPError, _ context: RequestContext) -> Response {
        context.page("error", status: error.status, [
            "status": .int(error.status.code),
            "reason": .string(error.status.reason),
            "message": .string(error.message),
        ])
    }
}
