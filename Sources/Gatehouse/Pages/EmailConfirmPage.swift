/// `/auth/confirm-email/<token>`: the link mailed to a new address. Following it (GET)
/// changes nothing — mail scanners open links — and shows a button; pressing it (POST,
/// CSRF) makes the address the user's, confirmed, and tells the address it replaced.
/// No sign-in is needed: the link proves the mailbox, and the change was asked for by a
/// re-confirmed session (or at registration).
enum EmailConfirmPage {
    /// The page for a link that is unknown, used, expired or replaced by a newer one.
    static let invalid = "This link is not valid: it was used already, is older than a day, or a newer link replaced it. Ask for a new one on your account page."

    /// `GET /auth/confirm-email/<token>`.
    static func show(_ context: inout RequestContext) throws -> Response {
        _ = try? context.session()  // the navbar shows who is signed in
        guard let token = token(context), let pending = try AddressConfirmations(database: context.database).peek(token) else {
            return page(context, ["error": .string(invalid)], status: .badRequest)
        }
        return page(context, [
            "username": .string(pending.username),
            "email": .string(pending.address),
            "action": .string("/auth/confirm-email/" + token.text),
        ])
    }

    /// `POST /auth/confirm-email/<token>`.
    static func submit(_ context: inout RequestContext) throws -> Response {
        _ = try context.form()
        _ = try? context.session()
        guard let token = token(context) else {
            return page(context, ["error": .string(invalid)], status: .badRequest)
        }
        let database = context.database
        let outcome: AddressConfirmations.Outcome
        do {
            outcome = try database.transaction {
                let outcome = try AddressConfirmations(database: database).confirm(token)
                if case .confirmed(let pending, let previous?) = outcome {
                    try Notices.emailChanged(context, userID: pending.userID, username: pending.username, told: previous)
                }
                return outcome
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            outcome = .taken  // taken between the check and the update; rolled back
        }
        switch outcome {
        case .invalid:
            return page(context, ["error": .string(invalid)], status: .badRequest)
        case .taken:
            return page(context, ["error": .string("Another account uses this address already, so it cannot be this one's too. Nothing was changed.")],
                        status: .badRequest)
        case .confirmed(let pending, let previous):
            context.audit.record("email_changed", username: pending.username, address: context.clientAddress,
                                 detail: "email=\(pending.address) confirmed=link told_previous=\(previous != nil)")
            return page(context, ["done": .bool(true), "username": .string(pending.username), "email": .string(pending.address)])
        }
    }

    /// The token, the path's last segment (the route is `/auth/confirm-email/*`), if well-formed.
    private static func token(_ context: RequestContext) -> LinkToken? {
        let path = context.request.path
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return LinkToken(String(path[path.index(after: slash)...]))
    }

    private static func page(_ context: RequestContext, _ values: TemplateObject, status: HTTPStatus = .ok) -> Response {
        context.page("confirm_email", status: status, values)
    }
}
