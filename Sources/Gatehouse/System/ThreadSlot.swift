import Glibc

/// One pointer per thread (a pthread key), set for the length of a call: how code deep in
/// a call learns what its thread is doing without every caller passing it down.
struct ThreadSlot: Sendable {
    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        self.key = key
    }

    /// The calling thread's value: nil outside `with`.
    var value: UnsafeMutableRawPointer? { pthread_getspecific(key) }

    /// Runs `body` with the calling thread's value set to `value`, and clears it after.
    func with<T>(_ value: UnsafeRawPointer, _ body: () -> T) -> T {
        pthread_setspecific(key, value)
        defer { pthread_setspecific(key, nil) }
        return body()
    }
}
