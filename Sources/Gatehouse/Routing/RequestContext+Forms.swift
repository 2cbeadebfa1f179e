extension RequestContext {
    /// The fields of a POSTed form, after the checks every form gets.
    ///
    /// - Throws: `HTTPError` 415 for another content type, 400 for a body that is not valid
    ///   URL-encoded UTF-8 without NUL, 403 for a foreign `Origin` or a missing or wrong
    ///   `csrf_token` (HMAC of the session token the request came with).
    public func form() throws(HTTPError) -> FormFields {
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPError(.unsupportedMediaType, "Forms must be sent as application/x-www-form-urlencoded.")
        }
        guard let fields = FormFields(urlEncoded: request.body) else {
            throw HTTPError(.badRequest, "The form could not be read: it held invalid characters.")
        }
        if let origin = request.headers["origin"], !originMatchesHost(origin) {
            throw HTTPError(.forbidden, "This form was sent from another site.")
        }
        guard let presentedToken, let submitted = fields["csrf_token"],
              CSRFToken.verify(submitted, key: application.csrfKey, sessionToken: presentedToken) else {
            throw HTTPError(.forbidden, "The form has expired or did not come from this site. Go back, reload the page and try again.")
        }
        return fields
    }

    /// `Origin` must name this very site. Debian's `fastcgi_params` sends `HTTP_HOST` as
    /// nginx's `$host`, without the port, so ports are compared only when both carry one;
    /// the scheme is not compared, since TLS may end at a proxy in front.
    private func originMatchesHost(_ origin: String) -> Bool {
        guard let host = request.headers["host"], let schemeEnd = origin.firstRange(of: "://") else { return false }
        let originAuthority = HostAndPort(origin[schemeEnd.upperBound...])
        let requestAuthority = HostAndPort(host[...])
        guard originAuthority.host == requestAuthority.host, !originAuthority.host.isEmpty else { return false }
        if let originPort = originAuthority.port, let requestPort = requestAuthority.port {
            return originPort == requestPort
        }
        return true
    }
}

/// The host (lower-cased, IPv6 brackets kept) and optional port of an authority.
private struct HostAndPort {
    let host: String
    let port: Substring?

    init(_ authority: Substring) {
        let text = authority.prefix { $0 != "/" }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[...close].lowercased()
            let rest = text[text.index(after: close)...]
            port = rest.hasPrefix(":") ? rest.dropFirst() : nil
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon].lowercased()
            port = text[text.index(after: colon)...]
        } else {
            host = text.lowercased()
            port = nil
        }
    }
}
