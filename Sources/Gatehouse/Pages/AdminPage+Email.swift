extension AdminPage {
    /// `POST /admin/users/email` (`username`, `email`): sets the user's address, confirmed
    /// (the admin vouches for it, as `gatehouse user email` does), ends the user's
    /// unfollowed confirmation links and tells the previous confirmed address.
    /// Re-confirmed and audited; only `super` sets a `super` user's address, since the
    /// address can reset the password. An address another user holds is refused plainly:
    /// admins see every address on this page anyway.
    static func setEmail(_ context: inout RequestContext) throws -> Response {
        let fields = try context.form()
        let (admin, target) = try actionTarget(&context, fields)
        let typed = fields["email"] ?? ""
        let database = context.database
        let change: UserStore.EmailChange
        do {
            change = try database.transaction {
                let change = try UserStore(database: database).setConfirmedEmail(username: target.username, typed)
                if let previous = change.previousToTell {
                    try Notices.emailChanged(context, userID: change.userID, username: change.username, told: previous)
                }
                return change
            }
        } catch let failure as UserStore.EmailFailure {
            let reason = switch failure {
            case .invalid(let why): why
            case .taken: "Another user has this address (compared ignoring case)."
            case .unknownUser: "There is no user with that name."
            }
            return try render(&context, listing: returnListing(fields), error: reason + " Nothing was changed.", status: .badRequest)
        }
        context.audit.record("email_changed", username: change.username, address: context.clientAddress,
                             detail: "email=\(change.address) by=\(admin.username) told_previous=\(change.previousToTell != nil)")
        return redirect(to: returnListing(fields), flash: "email-set")
    }
}
