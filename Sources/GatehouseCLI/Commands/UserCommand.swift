import Gatehouse

/// `gatehouse user add|passwd|scope|list|remove|mfa`.
enum UserCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard let action = arguments.first else { throw UsageError(message: "user needs add, passwd, scope, list, remove or mfa") }
        let rest = Array(arguments.dropFirst())
        let database = DatabaseConnection(configuration: configuration)
        let users = UserStore(database: database)
        let hasher = PasswordHasher(iterations: configuration.pbkdf2Iterations)
        let audit = AuditLog(database: database)
        let notices = CommandLineNotices(configuration: configuration, database: database)
        switch action {
        case "add":
            var options = OptionParser(rest)
            let firstName = try options.value("--first-name")
            let lastName = try options.value("--last-name")
            let scopes = try options.values("--scope")
            let email = try options.value("--email")
            let name = try options.singlePositional("user add NAME")
            guard Username.isValid(name) else { throw CommandFailure(message: UserStore.Failure.invalidUsername(name).description) }
            // The registration form's rule, checked before a password is asked for.
            for (option, value) in [("--first-name", firstName), ("--last-name", lastName)] {
                if let value, !PersonName.fits(value) {
                    throw CommandFailure(message: "\(option) is longer than \(PersonName.maxLength) characters (Unicode code points, as the users table counts them)")
                }
            }
            if let email, let why = UserStore.emailProblem(email) { throw CommandFailure(message: "--email: \(why)") }
            let password = try PasswordInput.read(prompt: "Password for \(name): ")
            try PasswordRule.check(password, minimumScore: configuration.passwordMinScore, userWords: [name, firstName, lastName])
            let id = try users.add(username: name, firstName: firstName, lastName: lastName, scopes: scopes, password: hasher.hash(password))
            audit.record("user_added", username: name, address: "cli", detail: "scopes=\((["authenticated"] + scopes.filter { $0 != "authenticated" }).joined(separator: ","))")
            if let email {
                try users.setConfirmedEmail(username: name, email)
                audit.record("email_changed", username: name, address: "cli", detail: "confirmed=cli")
            }
            print("added user \(name) (id \(id))")
        case "passwd":
            let name = try OptionParser(rest).singlePositional("user passwd NAME")
            guard let credentials = try users.credentials(username: name), let user = try users.find(username: name) else {
                throw UserStore.Failure.unknown(name)
            }
            let password = try PasswordInput.read(prompt: "New password for \(name): ")
            try PasswordRule.check(password, minimumScore: configuration.passwordMinScore, userWords: [name, user.firstName, user.lastName])
            let hash = hasher.hash(password)
            let ended = try database.transaction {
                try users.setPassword(userID: credentials.userID, hash)
                try notices.passwordChanged(userID: credentials.userID)
                return try SessionAdmin(database: database).revoke(username: name)
            }
            audit.record("password_changed", username: name, address: "cli", detail: "sessions_ended=\(ended)")
            print("password changed for \(name); \(ended) session(s) ended")
        case "scope":
            guard let name = rest.first, rest.count >= 2 else { throw UsageError(message: "usage: user scope NAME +S -S ...") }
            var add: [String] = []
            var remove: [String] = []
            for change in rest.dropFirst() {
                let scope = String(change.dropFirst())
                guard change.hasPrefix("+") || change.hasPrefix("-") else {
                    throw UsageError(message: "scope changes look like +admin or -admin, not \(change)")
                }
                // Checked before any change is made, so a bad name alters nothing.
                // Any stored name may go (an adopted `x","super`); only well-formed ones may come.
                guard change.hasPrefix("+") ? Username.isValidScope(scope) : Username.isRemovableScope(scope) else {
                    throw UsageError(message: UserStore.Failure.invalidScope(scope).description)
                }
                if change.hasPrefix("+") { add.append(scope) } else { remove.append(scope) }
            }
            let scopes = try users.changeScopes(username: name, add: add, remove: remove)
            audit.record("scope_changed", username: name, address: "cli", detail: "scopes=\(scopes.joined(separator: ","))")
            print("\(name): \(scopes.joined(separator: " "))")
        case "email":
            guard rest.count == 2, !rest[0].hasPrefix("-") else { throw UsageError(message: "usage: user email NAME ADDRESS") }
            let stored: String
            do {
                stored = try database.transaction {
                    let change = try users.setConfirmedEmail(username: rest[0], rest[1])
                    try notices.emailChanged(change)
                    return change
                }.address
            } catch let failure as UserStore.EmailFailure {
                throw CommandFailure(message: failure.description)
            }
            audit.record("email_changed", username: rest[0], address: "cli", detail: "confirmed=cli")
            print("\(rest[0]): email \(stored) (confirmed)")
        case "list":
            try list(users, rest)
        case "remove":
            let name = try OptionParser(rest).singlePositional("user remove NAME")
            try users.remove(username: name)
            audit.record("user_removed", username: name, address: "cli")
            print("removed user \(name) and their sessions")
        case "mfa":
            // The way back for a user who lost every factor: they sign in with the password
            // alone and may enrol again. Only --reset exists, so a bare `user mfa` changes nothing.
            guard rest.count == 2, rest.contains("--reset"), let name = rest.first(where: { $0 != "--reset" }), !name.hasPrefix("-") else {
                throw UsageError(message: "usage: user mfa NAME --reset")
            }
            guard let user = try users.find(username: name) else { throw UserStore.Failure.unknown(name) }
            let removed = try database.transaction {
                let removed = try SecondFactors(database: database).removeAll(userID: user.id)
                if removed.app || removed.passkeys > 0 || removed.recoveryCodes > 0 { try notices.factorsReset(userID: user.id) }
                return removed
            }
            audit.record("mfa_reset", username: name, address: "cli",
                         detail: "totp=\(removed.app ? "removed" : "none") passkeys=\(removed.passkeys) recovery_codes=\(removed.recoveryCodes)")
            print("\(name): second factors removed (authenticator app: \(removed.app ? "removed" : "none"), "
                  + "passkeys: \(removed.passkeys), recovery codes: \(removed.recoveryCodes))")
        default:
            throw UsageError(message: "unknown user action \(action)")
        }
        return ExitStatus.ok
    }

    /// `user list [--search Q|-q Q] [--after NAME|--before NAME] [--limit N] [--count]`: one
    /// page, by username; the command for the next page goes to stderr, the table to stdout.
    private static func list(_ users: UserStore, _ arguments: [String]) throws {
        var options = OptionParser(arguments)
        let searches = try [options.value("--search"), options.value("-q")].compactMap { $0 }
        let after = try options.value("--after")
        let before = try options.value("--before")
        let limitText = try options.value("--limit")
        let countOnly = options.remaining.contains("--count")
        guard searches.count <= 1, options.remaining.allSatisfy({ $0 == "--count" }) else {
            throw UsageError(message: "usage: user list [--search Q] [--after NAME | --before NAME] [--limit N] [--count]")
        }
        guard let limit = limitText.map({ Int($0) }) ?? UserListing.pageSize else {
            throw UsageError(message: "--limit takes a number from 1 to \(UserListing.maxLimit)")
        }
        let listing: UserListing
        do {
            listing = try UserListing(search: searches.first, after: after, before: before, limit: limit)
        } catch {
            throw UsageError(message: error.description)
        }
        if countOnly {
            print(try users.count(matching: listing.search))
            return
        }
        let page = try users.page(listing)
        let emails = try users.emails(userIDs: page.users.map(\.id))
        let rows = page.users.map { user in
            [user.username, [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " "),
             emails[user.id].map { $0.address + ($0.confirmed ? "" : " (unconfirmed)") } ?? "", user.scopes.joined(separator: " ")]
        }
        print(Table.render(header: ["USERNAME", "NAME", "EMAIL", "SCOPES"], rows: rows))
        if let next = page.nextAfter {
            var command = ["gatehouse user list"]
            if let search = listing.search { command.append("--search " + shellQuoted(search)) }
            if limitText != nil { command.append("--limit \(limit)") }
            command.append("--after " + shellQuoted(next))
            printError("more users: \(command.joined(separator: " "))")
        }
    }

    /// `text` as one shell word: bare when it is plainly safe, else in single quotes.
    private static func shellQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.@:-".unicodeScalars.contains(scalar))
        }
        guard !plain else { return text }
        var quoted = "'"
        for character in text {
            quoted += character == "'" ? "'\\''" : String(character)
        }
        return quoted + "'"
    }
}
