extension UserStore {
    /// What a search matches by prefix, case-insensitively; each has a `text_pattern_ops`
    /// index (migrations 7 and 10) so a prefix is an index range, not a scan of every user.
    /// The full name makes "ada lov" work and covers the first name alone.
    static let searchedExpressions = [
        "lower(username)",
        "lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))",
        "lower(last_name)",
        "lower(email)",
    ]

    /// One page of users as `listing` asks.
    public func page(_ listing: UserListing) throws(DatabaseError) -> UserListing.Page {
        var conditions: [String] = []
        var parameters: [String?] = []
        let backwards: Bool
        switch listing.position {
        case .first:
            backwards = false
        case .after(let name):
            backwards = false
            parameters.append(name)
            conditions.append("username > $\(parameters.count)::text")
        case .before(let name):
            backwards = true
            parameters.append(name)
            conditions.append("username < $\(parameters.count)::text")
        }
        if let search = listing.search {
            parameters.append(UserStore.likePrefix(search))
            conditions.append(UserStore.searchCondition(parameter: parameters.count))
        }
        // One row more than shown tells whether another page lies that way.
        var found = try users(where: conditions.isEmpty ? "true" : conditions.joined(separator: " AND "), parameters,
                              order: backwards ? "username DESC" : "username", limit: listing.limit + 1)
        let more = found.count > listing.limit
        if more { found.removeLast() }
        if backwards {
            found.reverse()
            return UserListing.Page(users: found, nextAfter: found.last?.username,
                                    previousBefore: more ? found.first?.username : nil)
        }
        var previous: String?
        if case .after(let name) = listing.position {
            // Past the end (or every user after `name` gone): the page before is the one
            // ending at `name`.
            previous = found.first?.username ?? name
        }
        return UserListing.Page(users: found, nextAfter: more ? found.last?.username : nil, previousBefore: previous)
    }

    /// How many users match `search` (all of them for `nil`).
    public func count(matching search: String?) throws(DatabaseError) -> Int {
        guard let search, !search.isEmpty else { return try count() }
        return try database.query("SELECT count(*) FROM users WHERE \(UserStore.searchCondition(parameter: 1))",
                                  [UserStore.likePrefix(search)]).scalar().flatMap { Int($0) } ?? 0
    }

    /// `expression LIKE lower($n)` for every searched expression, OR-ed.
    static func searchCondition(parameter: Int) -> String {
        "(" + searchedExpressions.map { "\($0) LIKE lower($\(parameter)::text)" }.joined(separator: " OR ") + ")"
    }

    /// A LIKE pattern matching text that starts with `prefix`: `\`, `%` and `_` escaped
    /// (LIKE's default escape is `\`), so a search for `50%_x` means those characters.
    static func likePrefix(_ prefix: String) -> String {
        var pattern = ""
        for scalar in prefix.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { pattern += "\\" }
            pattern.unicodeScalars.append(scalar)
        }
        return pattern + "%"
    }
}
