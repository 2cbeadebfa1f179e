/// An error a handler throws to answer with an error page instead of its own response.
///
/// The boundary in `Application` renders it with `error.html`; `message` is shown to the
/// visitor, so it must never carry internal details.
public struct HTTPError: Error, Sendable, Equatable {
    /// The status to answer with.
    public let status: HTTPStatus
    /// A short, visitor-safe explanation.
    public let message: String

    /// Creates an error page answer.
    public init(_ status: HTTPStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }
}
