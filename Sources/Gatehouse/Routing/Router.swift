/// Maps a method and a path to a handler; answers 404 and 405 itself. A path is exact,
/// or ends in `/*`: then it matches one more non-empty segment (a link's token, read by
/// the handler from the request path), and `/metrics` counts it under the pattern.
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
        /// `pattern` is the registered path: the request's own, or the one ending in `/*`.
        case found(Route, pattern: String)
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
        let pattern = routes[path] != nil ? path : Self.tokenPattern(of: path)
        guard let pattern, let methods = routes[pattern] else { return .notFound }
        if let route = methods[method] ?? (method == "HEAD" ? methods["GET"] : nil) {
            return .found(route, pattern: pattern)
        }
        let kind: Kind = methods.values.contains { $0.kind == .browser } ? .browser : .machine
        // HEAD is answered wherever GET is, so Allow says so.
        let allowed = methods["GET"] != nil && methods["HEAD"] == nil ? Array(methods.keys) + ["HEAD"] : Array(methods.keys)
        return .methodNotAllowed(allowed: allowed.sorted(), kind: kind)
    }

    /// `/a/b/TOKEN` → `/a/b/*`; nil when the last segment is empty or the path has none.
    private static func tokenPattern(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex,
              path.index(after: slash) != path.endIndex else { return nil }
        return path[...slash] + "*"
    }
}
