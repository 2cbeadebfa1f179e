/// MFA_REQUIRED's rule for browser pages: a covered user without a second factor is sent
/// to set one up before anything else.
enum FactorEnrolment {
    /// Where such a user is sent.
    static let setupPath = "/account/totp"

    /// Paths such a user may still use: the setup page itself (GET and the POST that
    /// enables the app), the passkey routes (the setup page offers one) and sign-out;
    /// and `/auth/confirm`, where enabling the app sends a session older than
    /// REAUTH_WINDOW (held back there, the user could never enrol: a redirect loop).
    static func isExempt(_ path: String) -> Bool {
        path == setupPath || path == "/auth/logout" || path == "/auth/signout" || path == "/auth/confirm"
            || path.hasPrefix("/account/passkeys") || path.hasPrefix("/auth/passkey")
    }

    /// Whether `found` is a session MFA_REQUIRED holds back until a factor is set up.
    static func isPending(_ found: SessionStore.Found, _ requirement: MFARequirement) -> Bool {
        requirement.covers(found.user) && !found.hasFactor
    }

    /// The 303 to the setup page when the request's session is held back, else `nil`.
    /// Looks the session up only while MFA_REQUIRED is on (the handler reuses it); a
    /// failed lookup is left to the handler, which meets the same error.
    static func redirect(_ context: inout RequestContext) -> Response? {
        let requirement = context.configuration.mfaRequired
        guard requirement != .off, !isExempt(context.request.path),
              let found = try? context.session(), isPending(found, requirement) else { return nil }
        return .redirect(to: setupPath)
    }
}
