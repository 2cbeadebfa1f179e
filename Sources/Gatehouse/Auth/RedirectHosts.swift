/// The hosts an absolute `next` may name (REDIRECT_HOSTS), built once from the
/// configuration: exact names, `*.suffix` patterns and PUBLIC_URL's own host.
///
/// `*.example.com` matches `a.example.com` and `a.b.example.com` — whole labels only, so
/// never `evilexample.com` or `example.com.evil.net` — and not `example.com` itself
/// (list it too when it runs an app), as a wildcard TLS certificate reads it.
struct RedirectHosts: Sendable {
    /// Names matched exactly, PUBLIC_URL's host among them.
    let exact: Set<String>
    /// The suffixes of `*.` patterns, each with its leading dot (`.example.com`).
    let suffixes: [String]
    /// Whether `http://` targets are accepted: only when PUBLIC_URL itself is `http://`,
    /// so a TLS site never sends a browser on over plain HTTP.
    let allowsHTTP: Bool

    /// Nothing allowed: `next` stays a local path.
    static let none = RedirectHosts(exact: [], suffixes: [], allowsHTTP: false)

    init(exact: Set<String>, suffixes: [String], allowsHTTP: Bool) {
        self.exact = exact
        self.suffixes = suffixes
        self.allowsHTTP = allowsHTTP
    }

    /// The hosts `configuration` allows: its REDIRECT_HOSTS (already checked and lower
    /// case) and PUBLIC_URL's host; none without PUBLIC_URL.
    init(_ configuration: Configuration) {
        guard let publicURL = configuration.publicURL, let origin = WebOrigin(header: publicURL) else {
            self = .none
            return
        }
        var exact: Set<String> = [origin.host]
        var suffixes: [String] = []
        for entry in configuration.redirectHosts {
            if entry.hasPrefix("*.") {
                suffixes.append(String(entry.dropFirst()))
            } else {
                exact.insert(entry)
            }
        }
        self.init(exact: exact, suffixes: suffixes, allowsHTTP: origin.scheme == "http")
    }

    /// Whether `host` (a valid `HostName`) is allowed. A wildcard never lends its trust
    /// to a punycode label of its own choosing: `xn--…` names must be listed exactly.
    func allows(_ host: Substring) -> Bool {
        if !exact.isEmpty, exact.contains(String(host)) { return true }
        for suffix in suffixes where host.utf8.count > suffix.utf8.count && host.hasSuffix(suffix) {
            if !HostName.hasPunycodeLabel(host.dropLast(suffix.utf8.count)) { return true }
        }
        return false
    }

    /// Whether `candidate` is an absolute URL this policy lets `next` name: exactly
    /// `https://` (or `http://` when allowed) in lower case, then a `HostName` that is
    /// allowed, an optional port of 1–5 digits up to 65535, and the end or `/`, `?`, `#`.
    /// The caller has already refused controls and backslashes anywhere.
    func allowsAbsolute(_ candidate: String) -> Bool {
        let https = "https://", http = "http://"
        let rest: Substring
        if candidate.hasPrefix(https) {
            rest = candidate.dropFirst(https.utf8.count)
        } else if allowsHTTP, candidate.hasPrefix(http) {
            rest = candidate.dropFirst(http.utf8.count)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host: Substring
        if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            let port = authority[authority.index(after: colon)...]
            guard (1...5).contains(port.utf8.count), port.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let number = Int(port), (1...65535).contains(number) else { return false }
        } else {
            host = authority
        }
        return HostName.isValid(host.utf8) && allows(host)
    }
}
