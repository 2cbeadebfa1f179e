/// Maps a method and an exact path to a handler; answers 404 and 405 itself.
public struct Router: Sendable {
    /// A handler: gets the request context, returns a response or throws `HTTPError`.
    public typealias Handler = @Sendable (inout RequestContext) throws -> Response

    /// What a route is for, which decides the cookie and header treatment of its answers.
    public enum Kind: Sendable {
        /// A page a browser shows: carries the session cookie and the HTML security headers.
        case browser
        /// A machine endpoint (`/auth/check`, `/healthz`, `/metrics`): no cookie set, and
        /// what Gatehouse answers for it by itself (wrong method, bad request, database
        /// down, internal fault) is a bare status: its client is a program, and nginx's
        /// `auth_request` must get no body. A handler's own `HTTPError` still renders its page.
        case machine
    }

    /// One registered route.
    public struct Route: Sendable {
        /// Browser page or machine endpoint.
        public let kind: Kind
        /// The handler.
        public let handler: Handler
    }

    /// The outcome of a lookup.
    public enum Match {
        case found(Route)
        case notFound
        /// The path exists for other methods; `kind` is the path's (machine when all its
        /// routes are).
        case methodNotAllowed(allowed: [String], kind: Kind)
    }

    private var routes: [String: [String: Route]] = [:]

    /// An empty router.
    public init() {}

    /// Registers `handler` for `method` on `path`.
    public mutating func add(_ method: String, _ path: String, kind: Kind = .browser, _ handler: @escaping Handler) {
        routes[path, default: [:]][method] = Route(kind: kind, handler: handler)
    }

    /// Every registered path.
    var paths: [String] { Array(routes.keys) }

    /// Finds the route for a request; `HEAD` is served by the `GET` handler.
    public func match(method: String, path: String) -> Match {
        guard let methods = routes[path] else { return .notFound }
        if let route = methods[method] ?? (method == "HEAD" ? methods["GET"] : nil) {
            return .found(route)
        }
        let kind: Kind = methods.values.contains { $0.kind == .browser } ? .browser : .machine
        // HEAD is answered wherever GET is, so Allow says so.
        let allowed = methods["GET"] != nil && methods["HEAD"] == nil ? Array(methods.keys) + ["HEAD"] : Array(methods.keys)
        return .methodNotAllowed(allowed: allowed.sorted(), kind: kind)
    }
}
