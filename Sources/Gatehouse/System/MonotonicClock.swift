import Glibc

/// Seconds on CLOCK_MONOTONIC, for durations and deadlines: unlike the wall clock it never
/// jumps when the system time is set.
enum MonotonicClock {
    /// Seconds since an arbitrary fixed point (boot).
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
