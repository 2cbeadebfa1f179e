import Gatehouse

/// `gatehouse user add|passwd|scope|list|remove`.
enum UserCommand {
    static func run(_ configuration: Configuration, _ arguments: [String]) throws -> Int32 {
        guard let action = arguments.first else { throw UsageError(message: "user needs add, passwd, scope, list or remove") }
        let rest = Array(arguments.dropFirst())
        let database = DatabaseConnection(configuration: configuration)
        let users = UserStore(database: database)
        let hasher = PasswordHasher(iterations: configuration.pbkdf2Iterations)
        let audit = AuditLog(database: database)
        switch action {
        case "add":
            var options = OptionParser(rest)
            let firstName = try options.value("--first-name")
            let lastName = try options.value("--last-name")
            let scopes = try options.values("--scope")
            let name = try options.singlePositional("user add NAME")
            guard Username.isValid(name) else { throw CommandFailure(message: UserStore.Failure.invalidUsername(name).description) }
            // The registration form's rule, checked before a password is asked for.
            for (option, value) in [("--first-name", firstName), ("--last-name", lastName)] {
                if let value, !PersonName.fits(value) {
                    throw CommandFailure(message: "\(option) is longer than \(PersonName.maxLength) characters (Unicode code points, as the users table counts them)")
                }
            }
            let password = try PasswordInput.read(prompt: "Password for \(name): ")
            try PasswordRule.check(password, minimumScore: configuration.passwordMinScore, userWords: [name, firstName, lastName])
            let id = try users.add(username: name, firstName: firstName, lastName: lastName, scopes: scopes, password: hasher.hash(password))
            audit.record("user_added", username: name, address: "cli", detail: "scopes=\((["authenticated"] + scopes.filter { $0 != "authenticated" }).joined(separator: ","))")
            print("added user \(name) (id \(id))")
        case "passwd":
            let name = try OptionParser(rest).singlePositional("user passwd NAME")
            guard let credentials = try users.credentials(username: name), let user = try users.find(username: name) else {
                throw UserStore.Failure.unknown(name)
            }
            let password = try PasswordInput.read(prompt: "New password for \(name): ")
            try PasswordRule.check(password, minimumScore: configuration.passwordMinScore, userWords: [name, user.firstName, user.lastName])
            try users.setPassword(userID: credentials.userID, hasher.hash(password))
            let ended = try SessionAdmin(database: database).revoke(username: name)
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
                guard Username.isValidScope(scope) else { throw UsageError(message: UserStore.Failure.invalidScope(scope).description) }
                if change.hasPrefix("+") { add.append(scope) } else { remove.append(scope) }
            }
            let scopes = try users.changeScopes(username: name, add: add, remove: remove)
            audit.record("scope_changed", username: name, address: "cli", detail: "scopes=\(scopes.joined(separator: ","))")
            print("\(name): \(scopes.joined(separator: " "))")
        case "list":
            if rest == ["--count"] {
                print(try users.count())
                return ExitStatus.ok
            }
            guard rest.isEmpty else { throw UsageError(message: "user list takes no arguments") }
            let all = try users.all()
            let rows = all.map { user in
                [user.username, [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " "), user.scopes.joined(separator: " ")]
            }
            print(Table.render(header: ["USERNAME", "NAME", "SCOPES"], rows: rows))
        case "remove":
            let name = try OptionParser(rest).singlePositional("user remove NAME")
            try users.remove(username: name)
            audit.record("user_removed", username: name, address: "cli")
            print("removed user \(name) and their sessions")
        default:
            throw UsageError(message: "unknown user action \(action)")
        }
        return ExitStatus.ok
    }
}
