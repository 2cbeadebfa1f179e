extension RequestContext {
    /// The fields of a POSTed form, after the checks every form gets.
    ///
    /// - Throws: `HTTPError` 415 for another content type, 400 for a body that is not valid
    ///   URL-encoded UTF-8 without NUL, 403 for a foreign `Origin` or a missing or wrong
    ///   `csrf_token` (HMAC of the session token the request came with), and with
    ///   COOKIE_DOMAIN 403 for a request that did not reach PUBLIC_URL's origin.
    public func form() throws(HTTPError) -> FormFields {
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPError(.unsupportedMediaType, "Forms must be sent as application/x-www-form-urlencoded.")
        }
        guard let fields = FormFields(urlEncoded: request.body) else {
            throw HTTPError(.badRequest, "The form could not be read: it held invalid characters.")
        }
        // An Origin, when sent, must be this site's: same scheme, host and port. An empty or
        // unparseable one proves nothing, so it is refused too.
        if let origin = request.headers["origin"] {
            guard let sent = WebOrigin(header: origin), sent.isOrigin(of: request) else {
                throw HTTPError(.forbidden, "This form was sent from another site.")
            }
        }
        try requireSignInSite()
        guard let presentedToken, let submitted = fields["csrf_token"],
              CSRFToken.verify(submitted, key: application.csrfKey, sessionToken: presentedToken) else {
            throw HTTPError(.forbidden, "The form has expired or did not come from this site. Go back, reload the page and try again.")
        }
        return fields
    }
}

extension RequestContext {
    /// With COOKIE_DOMAIN every app's host receives the session cookie; forms and JSON
    /// posts are still taken only at PUBLIC_URL's origin, so an app host whose web server
    /// also passes requests to Gatehouse cannot serve (or script) them on its own origin.
    /// - Throws: `HTTPError` 403 for a request that did not reach PUBLIC_URL's origin.
    func requireSignInSite() throws(HTTPError) {
        if configuration.cookieDomain != nil, let home = application.publicOrigin, !home.isOrigin(of: request) {
            throw HTTPError(.forbidden, "Forms are accepted only at the sign-in site, \(configuration.publicURL ?? "").")
        }
    }

    /// `candidate` when it is a safe `next` — a local path, or an absolute URL of a host
    /// REDIRECT_HOSTS allows — else `/` (`SafeRedirect`).
    func safeNext(_ candidate: String?) -> String {
        SafeRedirect.target(candidate, allowing: application.redirectHosts)
    }
}
