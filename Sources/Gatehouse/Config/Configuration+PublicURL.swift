extension Configuration {
    /// Checks PUBLIC_URL: an `http://` or `https://` origin (`scheme://host[:port]`, one
    /// trailing `/` allowed) with no path, query, fragment or user info. Returns it as
    /// browsers serialise an origin (lower case, the scheme's default port left out), so
    /// that URLs built on it need no further care; `nil` when unset.
    static func publicURL(_ text: String?) throws(ConfigurationError) -> String? {
        guard let text else { return nil }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let origin = WebOrigin(header: trimmed) else {
            throw ConfigurationError(
                key: "PUBLIC_URL",
                message: "expected an origin such as https://auth.example.com (no path, query or user info), got \"\(text)\"")
        }
        let defaultPort = origin.scheme == "https" ? 443 : 80
        return origin.scheme + "://" + origin.host + (origin.port == defaultPort ? "" : ":\(origin.port)")
    }
}
