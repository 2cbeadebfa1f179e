/// The site as WebAuthn sees it: the RP ID (the host) and the one origin whose
/// clientDataJSON is accepted.
public struct RelyingParty: Sendable, Equatable {
    /// The RP ID: the origin's host, e.g. `example.org` or `localhost`.
    public let id: String
    /// The origin as browsers serialise it: `scheme://host`, `:port` only when not the
    /// scheme's default.
    public let origin: String

    /// Derives the relying party from PUBLIC_URL's origin or, without it, the request's
    /// scheme and host. `nil` for anything but `https://…` or `http://localhost[:port]`:
    /// browsers offer passkeys nowhere else, and an IP-address RP ID is not allowed.
    public init?(origin text: String) {
        guard let parsed = WebOrigin(header: text) else { return nil }
        let isLocalhost = parsed.host == "localhost"
        guard parsed.scheme == "https" || (parsed.scheme == "http" && isLocalhost) else { return nil }
        guard !parsed.host.hasPrefix("["), !parsed.host.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        let defaultPort = parsed.scheme == "https" ? 443 : 80
        id = parsed.host
        origin = parsed.scheme + "://" + parsed.host + (parsed.port == defaultPort ? "" : ":\(parsed.port)")
    }
}
