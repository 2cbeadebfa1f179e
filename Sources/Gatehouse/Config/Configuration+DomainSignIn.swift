extension Configuration {
    /// Checks COOKIE_DOMAIN: a host name (one leading dot, as RFC 6265 allows, is dropped;
    /// letters are lowered) that is PUBLIC_URL's host or a parent of it on a label boundary,
    /// so browsers store the cookie at all; a parent of one label only (`com`) is refused
    /// too, since browsers refuse it. `nil` when unset.
    /// - Throws: `ConfigurationError` for COOKIE_DOMAIN without PUBLIC_URL, any other
    ///   spelling, a domain PUBLIC_URL is not under, or a `__Host-` cookie name (such a
    ///   cookie may carry no `Domain`).
    static func cookieDomain(_ text: String?, publicURL: String?, cookieName: String) throws(ConfigurationError) -> String? {
        guard let text else { return nil }
        guard let publicURL, let origin = WebOrigin(header: publicURL) else {
            throw ConfigurationError(key: "COOKIE_DOMAIN", message: "needs PUBLIC_URL, the sign-in site whose host it must cover")
        }
        let trimmed = text.hasPrefix(".") ? String(text.lowercased().dropFirst()) : text.lowercased()
        guard HostName.isValid(trimmed.utf8) else {
            throw ConfigurationError(
                key: "COOKIE_DOMAIN",
                message: "expected a domain name such as example.com (ASCII letters, digits, - and dots; punycode for others), got \"\(text)\"")
        }
        guard origin.host == trimmed || origin.host.hasSuffix("." + trimmed) else {
            throw ConfigurationError(
                key: "COOKIE_DOMAIN",
                message: "must be PUBLIC_URL's host \(origin.host) or a domain it is under, got \"\(text)\"")
        }
        let isAddress = origin.host.utf8.allSatisfy { $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) }
        guard origin.host == trimmed || !isAddress else {
            throw ConfigurationError(
                key: "COOKIE_DOMAIN", message: "PUBLIC_URL names the address \(origin.host): only that very address can be the domain")
        }
        guard origin.host == trimmed || HostName.labelCount(trimmed) >= 2 else {
            throw ConfigurationError(
                key: "COOKIE_DOMAIN", message: "\"\(text)\" is a top-level domain: browsers refuse cookies for it")
        }
        guard !cookieName.hasPrefix("__Host-") else {
            throw ConfigurationError(
                key: "COOKIE_DOMAIN", message: "a __Host- cookie (SESSION_COOKIE_NAME=\(cookieName)) may not carry a Domain")
        }
        return trimmed
    }

    /// Checks REDIRECT_HOSTS: a space- or comma-separated list of host names and `*.`
    /// patterns (letters lowered), no scheme, port, path or user info; a pattern needs at
    /// least two labels after `*.`, since `*.com` would send sign-ins anywhere.
    /// - Throws: `ConfigurationError` for REDIRECT_HOSTS without PUBLIC_URL or a bad entry.
    static func redirectHosts(_ text: String?, publicURL: String?) throws(ConfigurationError) -> [String] {
        guard let text else { return [] }
        guard publicURL != nil else {
            throw ConfigurationError(key: "REDIRECT_HOSTS", message: "needs PUBLIC_URL, the sign-in site that sends visitors back")
        }
        let separators: Set<Character> = [" ", ",", "\t", "\n"]
        var entries: [String] = []
        for entry in text.lowercased().split(whereSeparator: { separators.contains($0) }) {
            let isPattern = entry.hasPrefix("*.")
            let name = isPattern ? entry.dropFirst(2) : entry
            guard HostName.isValid(name.utf8) else {
                throw ConfigurationError(
                    key: "REDIRECT_HOSTS",
                    message: "expected host names such as app.example.com or *.example.com (no scheme, port or path; punycode for non-ASCII names), got \"\(entry)\"")
            }
            guard !isPattern || HostName.labelCount(String(name)) >= 2 else {
                throw ConfigurationError(
                    key: "REDIRECT_HOSTS", message: "\"\(entry)\" is too broad: a pattern needs a domain of two labels or more, such as *.example.com")
            }
            entries.append(String(entry))
        }
        return entries
    }
}
