/// `/admin` (scope `admin` or `super`): users and their scopes, editable, 50 a page with a
/// prefix search; ending a user's sessions; each user's second factors, with a reset
/// (`AdminPage+Factors`); each user's address, settable (`AdminPage+Email`). Only `super` may grant or remove `super`.
enum AdminPage {
    /// `GET /admin`: `q` (a username, name or address prefix) and `after`/`before` (a username).
    static func show(_ context: inout RequestContext) throws -> Response {
        _ = try context.requireScope("admin") { $0.isAdmin }
        let query = context.request.queryItems
        let listing: UserListing
        do {
            listing = try UserListing(search: query["q"], after: query["after"], before: query["before"])
        } catch {
            throw HTTPError(.badRequest, error.description)
        }
        return try render(&context, listing: listing)
    }

    /// The page of users `listing` names, with live-session counts for those shown only.
    static func render(_ context: inout RequestContext, listing: UserListing, error: String? = nil,
                       status: HTTPStatus = .ok) throws -> Response {
        let admin = try context.requireScope("admin") { $0.isAdmin }
        let page = try UserStore(database: context.database).page(listing)
        let counts = try SessionAdmin(database: context.database).liveCounts(userIDs: page.users.map(\.id))
        let factors = try SecondFactors(database: context.database).held(userIDs: page.users.map(\.id))
        let emails = try UserStore(database: context.database).emails(userIDs: page.users.map(\.id))
        let canGrantSuper = admin.has("super")
        var values: TemplateObject = [
            "users": .list(page.users.map { user in
                .object([
                    "username": .string(user.username),
                    "name": .string([user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")),
                    "sessions": .int(counts[user.id] ?? 0),
                    "has_sessions": .bool((counts[user.id] ?? 0) > 0),
                    "is_self": .bool(user.id == admin.id),
                    "factors": factorValues(factors[user.id]),
                    "email": emails[user.id].map { .string($0.address) } ?? .null,
                    "email_confirmed": .bool(emails[user.id]?.confirmed ?? false),
                    "scopes": .list(user.scopes.map { scope in
                        .object([
                            "name": .string(scope),
                            // A name no admin could have typed (an adopted row's) is shown, not offered.
                            "removable": .bool((scope != "super" || canGrantSuper) && Username.isRemovableScope(scope)),
                        ])
                    }),
                ])
            }),
            "can_grant_super": .bool(canGrantSuper),
            "shown": .int(page.users.count),
        ]
        addNavigation(listing, page, to: &values)
        if let error { values["error"] = .string(error) }
        return context.page("admin", status: status, values)
    }

    /// The search box's value, the links to the first, previous and next pages, and the
    /// page's own position (carried by every form so a change returns to this page).
    static func addNavigation(_ listing: UserListing, _ page: UserListing.Page, to values: inout TemplateObject) {
        if let search = listing.search { values["search"] = .string(search) }
        switch listing.position {
        case .first:
            if page.users.isEmpty, listing.search == nil { values["no_users"] = .bool(true) }
        case .after(let name):
            values["page_after"] = .string(name)
            values["first_link"] = .string(link(search: listing.search))
        case .before(let name):
            values["page_before"] = .string(name)
            values["first_link"] = .string(link(search: listing.search))
        }
        if let after = page.nextAfter { values["next_link"] = .string(link(search: listing.search, ("after", after))) }
        if let before = page.previousBefore { values["previous_link"] = .string(link(search: listing.search, ("before", before))) }
    }

    /// `/admin` with the search and position as a query, each value percent-encoded.
    static func link(search: String?, _ position: (String, String)? = nil, flash: String? = nil) -> String {
        var items: [(String, String)] = []
        if let flash { items.append(("flash", flash)) }
        if let search { items.append(("q", search)) }
        if let position { items.append(position) }
        guard !items.isEmpty else { return "/admin" }
        return "/admin?" + items.map { "\($0.0)=\(PercentEncoding.queryValue($0.1))" }.joined(separator: "&")
    }

    /// Where a form posted from a page returns to: that page (its `q`, `after`, `before`
    /// fields), or the first when they are absent or unusable.
    static func returnListing(_ fields: FormFields) -> UserListing {
        (try? UserListing(search: fields["q"], after: fields["after"], before: fields["before"]))
            ?? UserListing.firstPage
    }

    /// `/admin` at `listing`'s page with a flash notice.
    static func redirect(to listing: UserListing, flash: String) -> Response {
        var position: (String, String)?
        switch listing.position {
        case .first: position = nil
        case .after(let name): position = ("after", name)
        case .before(let name): position = ("before", name)
        }
        return .redirect(to: link(search: listing.search, position, flash: flash))
    }

    /// `POST /admin/users/scope`: `username`, `scope`, `action` = add|remove.
    static func changeScope(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let admin = try context.requireScope("admin") { $0.isAdmin }
        try context.requireRecentAuthentication(returningTo: "/admin")
        let username = fields["username"] ?? ""
        let scope = fields["scope"] ?? ""
        let action = fields["action"] ?? ""
        guard action == "add" || action == "remove" else {
            throw HTTPError(.badRequest, "The action must be add or remove.")
        }
        // Any stored name may be removed (an adopted `x","super`); only well-formed ones added.
        guard action == "add" ? Username.isValidScope(scope) : Username.isRemovableScope(scope) else {
            return try render(&context, listing: returnListing(fields),
                              error: "A scope is 1 to 64 letters, digits or _ . : - characters.", status: .badRequest)
        }
        if scope == "super", !admin.has("super") {
            throw GuardFailure.forbidden(required: "super")
        }
        let users = UserStore(database: context.database)
        let scopes: [String]
        do {
            scopes = try users.changeScopes(username: username, add: action == "add" ? [scope] : [],
                                            remove: action == "remove" ? [scope] : [])
        } catch UserStore.Failure.unknown {
            throw HTTPError(.notFound, "There is no user with that name.")
        }
        context.audit.record("scope_changed", username: username, address: context.clientAddress,
                             detail: "by=\(admin.username) \(action)=\(scope) scopes=\(scopes.joined(separator: ","))")
        return redirect(to: returnListing(fields), flash: action == "add" ? "scope-added" : "scope-removed")
    }

    /// The acting admin and the user an admin action names (`username`), once the guard and
    /// re-confirmation passed; only `super` acts on a `super` user.
    static func actionTarget(_ context: inout RequestContext, _ fields: FormFields) throws -> (admin: User, target: User) {
        let admin = try context.requireScope("admin") { $0.isAdmin }
        try context.requireRecentAuthentication(returningTo: "/admin")
        guard let target = try UserStore(database: context.database).find(username: fields["username"] ?? "") else {
            throw HTTPError(.notFound, "There is no user with that name.")
        }
        if target.has("super"), !admin.has("super") {
            throw GuardFailure.forbidden(required: "super")
        }
        return (admin, target)
    }

    /// `POST /admin/users/revoke`: ends every session of `username`.
    static func revokeSessions(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let (admin, target) = try actionTarget(&context, fields)
        let username = target.username
        let ended = try SessionAdmin(database: context.database).revoke(username: username)
        context.audit.record("sessions_revoked", username: username, address: context.clientAddress,
                             detail: "by=\(admin.username) count=\(ended)")
        return redirect(to: returnListing(fields), flash: "sessions-ended")
    }
}
