import Foundation

/// A test that writes a session or user straight to the database changes it as another
/// instance would, and SPEC gives a running instance's session caches 100 ms to obey such a
/// change. A cache answers only within 100 ms of its listener confirming it had heard every
/// change committed before, so 150 ms after the commit none still holds the old state.
enum OtherInstanceChange {
    static func settle() {
        usleep(150_000)
    }
}
