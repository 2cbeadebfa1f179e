/// `GET /auth/check`: the answer nginx `auth_request` needs — 204 with identity headers,
/// 401 without a session, 403 when a `?scope=` names a scope the user lacks (every one
/// given must be held) or `?mfa=1` asks for two factors the sign-in did not prove, 401
/// when `?max_age=S` finds the last password or factor older than S seconds (a malformed
/// S answers 400, which nginx turns into an error: closed). No body, no cookie.
enum GateCheck {
    static func check(_ context: inout RequestContext) throws -> Response {
        guard let found = try context.session() else {
            return Response(status: .unauthorized, headers: signInLocation(context, page: "/auth"))
        }
        let user = found.user
        // MFA_REQUIRED: a covered user who has not set up a factor passes no gate yet,
        // whatever is asked (a stale ?max_age= too: confirming would not let them in).
        if FactorEnrolment.isPending(found, context.configuration.mfaRequired) { return Response(status: .forbidden) }
        var forbidden = false
        for (name, value) in context.request.queryItems.pairs {
            switch name {
            case "scope":
                // `?scope=a&scope=b` needs both; an empty one (the nginx example's plain
                // `/_gatehouse/check` sends `scope=`) asks for nothing.
                if !value.isEmpty && !user.has(value) { forbidden = true }
            case "mfa":
                // Anything but an empty value or 0 asks for two factors: a typo fails closed.
                if value != "" && value != "0" && found.factors < 2 { forbidden = true }
            case "max_age":
                guard value.utf8.count <= 10, let seconds = Int(value), seconds >= 0, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return Response(status: .badRequest)
                }
                if found.authenticatedAgo > seconds {
                    return Response(status: .unauthorized, headers: signInLocation(context, page: "/auth/confirm"))
                }
            default:
                break
            }
        }
        if forbidden { return Response(status: .forbidden) }
        // Built in one pass: the generic `joined(separator:)` costs more than the rest of
        // this answer's headers.
        var spaced = "", commas = ""
        // Only names an admin could have given: an adopted row's `x,super` or `x super`
        // would read as `super` to an app that splits these lists.
        for scope in user.scopes where Username.isValidScope(scope) {
            if !spaced.isEmpty {
                spaced += " "
                commas += ","
            }
            spaced += scope
            commas += scope
        }
        var response = Response(status: .noContent, headers: [
            ("X-Auth-User", user.username),
            ("X-Auth-Scope", spaced),
            ("Remote-User", user.username),
            ("Remote-Groups", commas),
            ("X-Auth-Request-User", user.username),
            ("X-Auth-Request-Groups", commas),
            ("Remote-Name", displayName(user)),
            ("Cache-Control", "no-store"),
        ])
        // Only a confirmed address (the lookup reads no other), and only one Gatehouse
        // would send mail to: a row edited by hand cannot put a CR/LF into a header.
        if let email = user.email, MailAddress.problem(email) == nil {
            response.headers += [("X-Auth-Email", email), ("Remote-Email", email), ("X-Auth-Request-Email", email)]
        }
        return response
    }

    /// The longest `X-Original-URL` a 401 sends back as `next`: nginx builds it from the
    /// request line, which the visitor chooses; longer ones get no `Location`.
    static let originalURLLimit = 2048

    /// `Location: <PUBLIC_URL><page>?next=<X-Original-URL, percent-encoded>` for a 401, so
    /// nginx can send the visitor to sign in (or confirm) and back; nothing without
    /// PUBLIC_URL, without the header, or when it is overlong or holds a control
    /// character (the value comes from the visitor's request). Any other URL rides along as
    /// SPEC says, whatever its host: the sign-in page itself judges `next` against
    /// REDIRECT_HOSTS and turns a URL it may not return to into `/`, so no open redirect.
    static func signInLocation(_ context: RequestContext, page: String) -> [(String, String)] {
        guard let publicURL = context.configuration.publicURL,
              let original = context.request.headers["x-original-url"], !original.isEmpty,
              original.utf8.count <= originalURLLimit,
              !original.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return [] }
        return [("Location", publicURL + page + "?next=" + PercentEncoding.queryValue(original))]
    }

    /// The first and last name for `Remote-Name`, else the username. Control characters
    /// (an adopted row may hold any) become spaces, so no name can end the header line.
    static func displayName(_ user: User) -> String {
        let full = [user.firstName, user.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        guard !full.isEmpty else { return user.username }
        return String(String.UnicodeScalarView(full.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
