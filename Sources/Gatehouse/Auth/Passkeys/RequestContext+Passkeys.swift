extension RequestContext {
    /// The relying party of this request: PUBLIC_URL's origin when set and usable as one,
    /// else the origin the browser sent (`json()` has checked it names this host), else the
    /// request's scheme and `Host`. (A PUBLIC_URL such as `http://127.0.0.1:8080` can be no
    /// RP, so a browser at `http://localhost:8080` still gets passkeys; the browser itself
    /// binds each passkey to the RP ID, so no other site can use it either way.)
    /// - Throws: `HTTPError` 400 where browsers offer no passkeys: plain http anywhere but
    ///   `localhost`, or an IP address as the host.
    func relyingParty() throws(HTTPError) -> RelyingParty {
        if let configured = configuration.publicURL.flatMap(RelyingParty.init(origin:)) { return configured }
        let origin = request.headers["origin"] ?? (request.isHTTPS ? "https://" : "http://") + (request.headers["host"] ?? "")
        guard let party = RelyingParty(origin: origin) else {
            throw HTTPError(.badRequest, "Passkeys work only on https:// sites and on http://localhost.")
        }
        return party
    }

    /// Whom a passkey challenge is issued to: the browser's session token (its SHA-256, as
    /// sessions are stored), so a ceremony finishes only in the browser that began it.
    var passkeyChallengeOwner: String { sessionToken.storageKey }

    /// The passkey challenges on this worker's connection.
    var passkeyChallenges: PasskeyChallengeStore { PasskeyChallengeStore(database: database) }

    /// The 400 for a ceremony whose challenge is gone: never issued, used, or expired.
    static let challengeGone = HTTPError(.badRequest, "The passkey request expired or was already used. Please try again.")
}
