/// `/account/totp` and `/account/recovery-codes`: adding and removing the authenticator
/// app, and making new recovery codes.
///
/// The secret of an enrolment under way is kept server-side, sealed in `totp_factor`
/// without `confirmed_at` (TOTPStore): nothing secret travels in the form, a reload shows
/// the same QR code, and the app is on only once a code from it was right.
enum TOTPPage {
    /// Who the app's entry names as the issuer.
    static let issuer = "Gatehouse"

    static func show(_ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser()
        return try render(&context, user: user)
    }

    /// The page: the app's state, or a new secret with its QR code and the form for a code.
    static func render(_ context: inout RequestContext, user: User, error: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let store = TOTPStore(database: context.database, key: context.application.factorKey)
        var values: TemplateObject = [
            "recovery_codes_left": .int(try RecoveryCodes(database: context.database).remaining(userID: user.id)),
        ]
        if let secret = try store.pendingSecret(userID: user.id) {
            let uri = TOTP.uri(secret: secret, issuer: issuer, username: user.username)
            let grouped = groups(of: Array(Base32.encode(secret, padded: false)), size: 4)
            values["enrolling"] = .bool(true)
            values["secret"] = .string(grouped)
            values["uri"] = .string(uri)
            if let code = QRCode(uri) {
                values["qr_size"] = .int(code.viewBoxSize)
                values["qr_path"] = .string(code.svgPath)
            }
        } else {
            values["enabled"] = .bool(true)
        }
        if let error { values["error"] = .string(error) }
        return context.page("totp", status: status, values)
    }

    /// `POST /account/totp` (`code`): turns the app on when the code is right, and shows
    /// the first recovery codes when the user holds none.
    static func enable(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: "/account/totp")
        let typed = fields["code"] ?? ""
        guard TOTP.normalized(typed) != nil else {
            return try render(&context, user: user, error: "The code is the 6 digits your app shows.", status: .badRequest)
        }
        let store = TOTPStore(database: context.database, key: context.application.factorKey)
        let confirmed = try context.database.transaction { () throws -> Bool in
            guard try store.confirm(userID: user.id, typed: typed, now: TOTP.currentTime()) else { return false }
            try Notices.factorChanged(context, userID: user.id, .appAdded)
            return true
        }
        guard confirmed else {
            return try render(&context, user: user,
                              error: "That code is not right. Check that your phone's clock is set automatically, and try the next code.",
                              status: .badRequest)
        }
        context.audit.record("totp_enabled", username: user.username, address: context.clientAddress)
        let codes = RecoveryCodes(database: context.database)
        guard try codes.remaining(userID: user.id) == 0 else { return .redirect(to: "/account?flash=totp-enabled") }
        return try showNewCodes(&context, user: user, codes: codes, enabled: true)
    }

    /// `POST /account/totp/remove`.
    static func remove(_ context: inout RequestContext) throws -> Response {
        _ = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: "/account")
        let wasOn = try context.database.transaction { () throws -> Bool in
            let wasOn = try TOTPStore(database: context.database, key: context.application.factorKey).remove(userID: user.id)
            if wasOn { try Notices.factorChanged(context, userID: user.id, .appRemoved) }
            return wasOn
        }
        if wasOn {
            context.audit.record("totp_removed", username: user.username, address: context.clientAddress)
        }
        return .redirect(to: "/account?flash=totp-removed")
    }

    /// `POST /account/recovery-codes`: ten new codes, shown once; the old ones stop working.
    static func regenerateRecoveryCodes(_ context: inout RequestContext) throws -> Response {
        _ = try context.form()
        let user = try context.requireRecentAuthentication(returningTo: "/account")
        return try showNewCodes(&context, user: user, codes: RecoveryCodes(database: context.database), enabled: false)
    }

    private static func showNewCodes(_ context: inout RequestContext, user: User, codes: RecoveryCodes, enabled: Bool) throws -> Response {
        let fresh = try context.database.transaction {
            let fresh = try codes.regenerate(userID: user.id)
            // Turning the app on makes the first codes: its own notice says enough.
            if !enabled { try Notices.factorChanged(context, userID: user.id, .recoveryCodesRenewed) }
            return fresh
        }
        context.audit.record("recovery_codes_regenerated", username: user.username, address: context.clientAddress,
                             detail: "count=\(fresh.count)")
        // Every page carries Cache-Control: no-store, so no cache keeps the codes.
        return context.page("recovery_codes", [
            "codes": .list(fresh.map { .string($0) }),
            "totp_enabled": .bool(enabled),
        ])
    }

    /// The key in groups of `size` letters, easier to type into an app by hand.
    private static func groups(of letters: [Character], size: Int) -> String {
        stride(from: 0, to: letters.count, by: size).map { String(letters[$0..<min($0 + size, letters.count)]) }.joined(separator: " ")
    }
}
