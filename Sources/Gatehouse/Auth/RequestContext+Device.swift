extension RequestContext {
    /// The device cookie the browser sent, when it proves an earlier sign-in as `userID`.
    func trustedDevice(for userID: Int?) -> DeviceCookie? {
        guard let userID else { return nil }
        let name = DeviceCookie.name(sessionCookie: configuration.sessionCookieName)
        let values = CookieHeader(request.headers["cookie"]).values(named: name)
        guard !values.isEmpty else { return nil }
        return DeviceCookie.verified(values, key: application.deviceKey, userID: userID)
    }

    /// The device cookie to set after `userID` signed in: the one the browser already
    /// holds for that user (its lifetime renewed), else a new one.
    /// Host-only even with COOKIE_DOMAIN: it is read only by sign-ins on PUBLIC_URL's
    /// host, and no app on another host needs to see it.
    func deviceCookie(for userID: Int, known: DeviceCookie?) -> SetCookie {
        let device = known ?? DeviceCookie.issue(key: application.deviceKey, userID: userID)
        return device.setCookie(sessionCookie: configuration.sessionCookieName,
                                secure: SessionCookie.isSecure(configuration: configuration, request: request))
    }
}
