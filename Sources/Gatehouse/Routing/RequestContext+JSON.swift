extension RequestContext {
    /// The header a script sends the CSRF token in (a JSON body has no form field for it).
    static let csrfHeader = "x-csrf-token"

    /// The members of a POSTed JSON body, after the checks every JSON route gets (the 64 KiB
    /// limit is the application's, before any handler).
    ///
    /// - Throws: `HTTPError` 415 for a body of another content type, 403 for a foreign `Origin` or a
    ///   missing or wrong `X-CSRF-Token` (HMAC of the session token the request came with) or,
    ///   with COOKIE_DOMAIN, a request that did not reach PUBLIC_URL's origin,
    ///   400 for a body that is no JSON object.
    func json() throws(HTTPError) -> JSONBody {
        // An empty body (the options routes need none) is an empty object, whatever its type.
        guard request.body.isEmpty || request.mediaType == "application/json" else {
            throw HTTPError(.unsupportedMediaType, "This address takes application/json.")
        }
        if let origin = request.headers["origin"] {
            guard let sent = WebOrigin(header: origin), sent.isOrigin(of: request) else {
                throw HTTPError(.forbidden, "This request was sent from another site.")
            }
        }
        try requireSignInSite()
        guard let presentedToken, let submitted = request.headers[Self.csrfHeader],
              CSRFToken.verify(submitted, key: application.csrfKey, sessionToken: presentedToken) else {
            throw HTTPError(.forbidden, "The page has expired or did not come from this site. Reload the page and try again.")
        }
        if request.body.isEmpty { return .empty }
        guard let body = JSONBody(request.body) else {
            throw HTTPError(.badRequest, "The request body is no well-formed JSON object.")
        }
        return body
    }
}
