extension AdminPage {
    /// The template values of one user's second factors on `/admin`: the app, passkeys
    /// and recovery codes left.
    static func factorValues(_ found: (held: SecondFactors.Held, recoveryCodes: Int)?) -> TemplateValue {
        let held = found?.held ?? SecondFactors.Held(app: false, passkeys: 0)
        let codes = found?.recoveryCodes ?? 0
        return .object([
            "app": .bool(held.app),
            "passkeys": .int(held.passkeys),
            "has_passkeys": .bool(held.passkeys > 0),
            "recovery_codes": .int(codes),
            "any": .bool(held.any || codes > 0),
        ])
    }

    /// `POST /admin/users/mfa-reset` (`username`): removes the user's app, passkeys and
    /// recovery codes, as `gatehouse user mfa NAME --reset` does, for a user who lost every
    /// factor. Re-confirmed and audited; only `super` resets a `super` user.
    static func resetFactors(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let (admin, target) = try actionTarget(&context, fields)
        let username = target.username
        let removed = try context.database.transaction {
            let removed = try SecondFactors(database: context.database).removeAll(userID: target.id)
            if removed.app || removed.passkeys > 0 || removed.recoveryCodes > 0 {
                try Notices.factorChanged(context, userID: target.id, .allRemoved(by: "an administrator (\(admin.username))"))
            }
            return removed
        }
        context.audit.record("mfa_reset", username: username, address: context.clientAddress,
                             detail: "by=\(admin.username) totp=\(removed.app ? "removed" : "none") "
                                 + "passkeys=\(removed.passkeys) recovery_codes=\(removed.recoveryCodes)")
        return redirect(to: returnListing(fields), flash: "factors-reset")
    }
}
