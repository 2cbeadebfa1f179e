/// One-shot notices after a redirect, carried as `?flash=<code>` and mapped to fixed text,
/// so a link can never make Gatehouse display words of an attacker's choosing.
enum Flash {
    private static let messages: [String: (kind: String, text: String)] = [
        "password-changed": ("success", "Your password was changed. Your other sessions were signed out."),
        "session-revoked": ("success", "The session was signed out."),
        "others-revoked": ("success", "All your other sessions were signed out."),
        "scope-added": ("success", "The scope was added. It applies from the user's next request."),
        "scope-removed": ("success", "The scope was removed. It applies from the user's next request."),
        "sessions-ended": ("success", "All of that user's sessions were ended."),
        "factors-reset": ("success", "That user's second factors and recovery codes were removed. They can sign in with the password alone and set up new ones."),
        "password-reset": ("success", "Your new password is set and every session of your account was signed out. Sign in with it now."),
        "welcome": ("success", "Your account was created and you are signed in."),
        "welcome-email": ("success", "Your account was created and you are signed in. We sent a link to your email address: it becomes your address once you follow that link (within 24 hours)."),
        "totp-enabled": ("success", "Your authenticator app is on. Sign-ins now ask for its code."),
        "totp-removed": ("success", "The authenticator app was removed."),
        "passkey-added": ("success", "Your passkey was added. You can sign in with it alone."),
        "passkey-added-make-codes": ("warning", "Your passkey was added. Make recovery codes now (New codes, below) in case you lose it."),
        "passkey-removed": ("success", "The passkey was removed."),
        "email-link-sent": ("info", "We sent a link to the new address. It becomes your address once you follow that link (within 24 hours); until then your address stays as it is."),
        "email-unchanged": ("info", "That already is your address. Nothing was changed."),
        "email-set": ("success", "The user's address was set. It counts as confirmed."),
    ]

    /// The notice for the request's `flash` query value, as template values.
    static func value(for request: Request) -> TemplateValue? {
        guard !request.query.isEmpty, let code = request.queryItems["flash"], let message = messages[code] else { return nil }
        return .object(["kind": .string(message.kind), "text": .string(message.text)])
    }
}
