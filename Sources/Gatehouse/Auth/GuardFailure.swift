/// Thrown by guards; the boundary in `Application` turns it into the answer the original
/// design's exception handlers gave, minus their bugs.
public enum GuardFailure: Error, Sendable, Equatable {
    /// No valid session: 303 to `/auth?next=<path and query>`.
    case notLoggedIn
    /// Logged in without the scope: 403 with `permission_failed.html` (not 401).
    case forbidden(required: String)
    /// `/auth` and `/auth/register` while logged in: 303 to `/`.
    case alreadyLoggedIn
    /// A sensitive action outside `REAUTH_WINDOW`: 303 to `/auth/confirm?next=<page>`,
    /// where `page` is the GET-able page that held the form.
    case needsConfirmation(next: String)
}
