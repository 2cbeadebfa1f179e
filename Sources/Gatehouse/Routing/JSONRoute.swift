/// Wraps the handler of a JSON route (the passkey ceremonies) so that what a page would
/// turn into a redirect or an error page reaches the script as JSON it can act on:
/// `{"error": "…"}` with the status, and `location` where the browser should go (sign in,
/// confirm it is you). Faults the application handles (database down, 500) stay pages.
enum JSONRoute {
    /// The handler `handler` answering in JSON.
    static func wrap(_ handler: @escaping Router.Handler) -> Router.Handler {
        { context in
            do {
                return try handler(&context)
            } catch let failure as GuardFailure {
                switch failure {
                case .notLoggedIn:
                    return error(.unauthorized, "Please sign in first.", location: "/auth")
                case .alreadyLoggedIn:
                    return error(.forbidden, "You are already signed in.", location: "/")
                case .needsConfirmation(let next):
                    return error(.forbidden, "Please confirm it is you first.",
                                 location: "/auth/confirm?next=" + PercentEncoding.queryValue(SafeRedirect.target(next)))
                case .forbidden:
                    return error(.forbidden, "You may not do this.")
                }
            } catch let failure as HTTPError {
                return error(failure.status, failure.message)
            }
        }
    }

    /// `{"error": message, "location": location}` with `status`.
    static func error(_ status: HTTPStatus, _ message: String, location: String? = nil) -> Response {
        var members: [(String, JSONValue)] = [("error", .string(message))]
        if let location { members.append(("location", .string(location))) }
        return .json(.object(members), status: status)
    }
}
