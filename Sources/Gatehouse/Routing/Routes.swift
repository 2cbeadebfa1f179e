/// The one route table: every path, method and handler of Gatehouse. Pages live in
/// `Pages/`, machine endpoints in `Endpoints/`, sign-in and sign-out in `Auth/`.
enum Routes {
    /// Every path with a route, for the fixed label set of `/metrics`.
    static let paths: [String] = {
        var router = Router()
        register(on: &router)
        return router.paths
    }()

    /// Adds all routes.
    static func register(on router: inout Router) {
        router.add("GET", "/", HomePage.show)
        router.add("GET", "/auth", LoginPage.show)
        router.add("POST", "/auth", LoginPage.submit)
        router.add("GET", "/auth/second", SecondStepPage.show)
        router.add("POST", "/auth/second", SecondStepPage.submit)
        router.add("GET", "/auth/confirm", ConfirmPage.show)
        router.add("POST", "/auth/confirm", ConfirmPage.submit)
        router.add("POST", "/auth/logout", SignOut.submit)
        router.add("GET", "/auth/signout", SignOut.show)
        router.add("GET", "/auth/register", RegisterPage.show)
        router.add("POST", "/auth/register", RegisterPage.submit)
        router.add("GET", "/auth/reset", ResetPage.show)
        router.add("POST", "/auth/reset", ResetPage.submit)
        router.add("GET", "/auth/reset/*", ResetPage.showLink)
        router.add("POST", "/auth/reset/*", ResetPage.useLink)
        router.add("GET", "/account", AccountPage.show)
        router.add("POST", "/account/password", AccountPage.changePassword)
        router.add("POST", "/account/email", AccountPage.changeEmail)
        router.add("GET", "/auth/confirm-email/*", EmailConfirmPage.show)
        router.add("POST", "/auth/confirm-email/*", EmailConfirmPage.submit)
        router.add("POST", "/account/sessions/revoke", AccountPage.revokeSession)
        router.add("POST", "/account/sessions/revoke-others", AccountPage.revokeOthers)
        router.add("GET", "/account/totp", TOTPPage.show)
        router.add("POST", "/account/totp", TOTPPage.enable)
        router.add("POST", "/account/totp/remove", TOTPPage.remove)
        router.add("POST", "/account/recovery-codes", TOTPPage.regenerateRecoveryCodes)
        router.add("POST", "/account/passkeys/options", JSONRoute.wrap(PasskeyRegistration.options))
        router.add("POST", "/account/passkeys", JSONRoute.wrap(PasskeyRegistration.add))
        router.add("POST", "/account/passkeys/remove", PasskeyRegistration.remove)
        router.add("POST", "/auth/passkey/options", JSONRoute.wrap(PasskeySignIn.options))
        router.add("POST", "/auth/passkey", JSONRoute.wrap(PasskeySignIn.submit))
        router.add("GET", "/admin", AdminPage.show)
        router.add("POST", "/admin/users/scope", AdminPage.changeScope)
        router.add("POST", "/admin/users/revoke", AdminPage.revokeSessions)
        router.add("POST", "/admin/users/mfa-reset", AdminPage.resetFactors)
        router.add("POST", "/admin/users/email", AdminPage.setEmail)
        router.add("GET", "/super", SuperPage.show)
        router.add("GET", "/auth/check", kind: .machine, GateCheck.check)
        router.add("GET", "/healthz", kind: .machine, HealthCheck.check)
        router.add("GET", "/metrics", kind: .machine, MetricsEndpoint.show)
    }
}
