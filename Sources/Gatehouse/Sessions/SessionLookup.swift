/// Finds the live session a cookie's token names: the seam between the request pipeline
/// and the `session` table.
///
/// `SessionStore` on the worker's connection is the one used in production (called
/// directly, see `RequestContext.sessionLookup`); unit tests hand
/// `Application.respond(to:database:sessions:)` a stand-in of their own (a class), so
/// that routing, guards and CSRF run without PostgreSQL.
public protocol SessionLookup {
    /// The live session and user for `token`, or `nil` when there is none.
    /// - Throws: `DatabaseError` when the lookup could not be made.
    func lookup(_ token: SessionToken) throws(DatabaseError) -> SessionStore.Found?
}

extension SessionStore: SessionLookup {}
