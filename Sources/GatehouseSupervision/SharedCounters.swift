import CSharedCounters
#if hasFeature(Embedded)
import CSupervisorLibc
#else
import Glibc
#endif

/// A fixed block of `UInt64` counters that several processes can map and add to at once.
///
/// The only Swift file that touches `CSharedCounters`. `gatehouse serve` creates the block
/// in a memfd; the supervisor and each worker it starts inherit the descriptor and map it
/// too. Every access is a relaxed atomic add or load, so no lock spans processes.
/// `@unchecked Sendable`: the mapping never changes while the object lives and its memory
/// is only touched atomically.
package final class SharedCounters: @unchecked Sendable {
    /// The memfd behind a block to share with child processes; `nil` for a private block.
    package let descriptor: Int32?
    private let base: UnsafeMutablePointer<UInt64>
    private let count: Int

    /// A new block of `count` zeroed counters: in a memfd that child processes inherit
    /// when `shared` (private to this process if that fails), else private.
    package init(count: Int, shared: Bool) {
        let bytes = count * MemoryLayout<UInt64>.size
        var fd = shared ? gatehouse_counters_create(bytes) : -1
        let mapped = fd >= 0 ? Self.map(fd, bytes: bytes) : nil
        if shared && mapped == nil {
            Log.event("metrics_private", ["error": String(cString: strerror(errno))])
            if fd >= 0 { _ = close(fd) }
            fd = -1
        }
        self.descriptor = fd >= 0 ? fd : nil
        self.base = mapped ?? Self.map(-1, bytes: bytes)!
        self.count = count
    }

    /// Maps the block behind an inherited `descriptor`; `nil` when it is not a block of
    /// `count` counters (a supervisor of another build) or cannot be mapped.
    package init?(inherited descriptor: Int32, count: Int) {
        let bytes = count * MemoryLayout<UInt64>.size
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size == bytes, let mapped = Self.map(descriptor, bytes: bytes) else { return nil }
        _ = close(descriptor)  // the mapping stays
        self.descriptor = nil
        self.base = mapped
        self.count = count
    }

    /// Maps the block behind `descriptor`, whatever its size, and keeps the descriptor
    /// for child processes: the supervisor process takes the block `gatehouse serve`
    /// created this way. `nil` when it cannot be mapped.
    package init?(adopting descriptor: Int32) {
        var status = stat()
        let count = fstat(descriptor, &status) == 0 ? Int(status.st_size) / MemoryLayout<UInt64>.size : 0
        guard count > 0, let mapped = Self.map(descriptor, bytes: count * MemoryLayout<UInt64>.size) else { return nil }
        self.descriptor = descriptor
        self.base = mapped
        self.count = count
    }

    deinit {
        munmap(base, count * MemoryLayout<UInt64>.size)
    }

    /// `bytes` of `fd` mapped shared, or private anonymous zeroes for `fd` -1.
    private static func map(_ fd: Int32, bytes: Int) -> UnsafeMutablePointer<UInt64>? {
        let flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED
        guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, flags, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
        else { return nil }
        return address.bindMemory(to: UInt64.self, capacity: bytes / MemoryLayout<UInt64>.size)
    }

    /// Adds `amount` to counter `index`.
    package func add(_ index: Int, _ amount: UInt64 = 1) {
        precondition(index >= 0 && index < count, "counter index out of range")
        gatehouse_counter_add(base + index, amount)
    }

    /// Sets counter `index` to `value`.
    package func set(_ index: Int, _ value: UInt64) {
        precondition(index >= 0 && index < count, "counter index out of range")
        gatehouse_counter_store(base + index, value)
    }

    /// The value of counter `index` now.
    package subscript(index: Int) -> UInt64 {
        precondition(index >= 0 && index < count, "counter index out of range")
        return gatehouse_counter_load(base + index)
    }
}
