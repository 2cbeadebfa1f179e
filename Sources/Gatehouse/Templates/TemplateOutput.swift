/// The bytes of one render, written through a pointer and handed to the caller's
/// array in one copy at the end.
///
/// `Array.append(contentsOf:)` spends some 70 instructions on uniqueness and
/// capacity checks per call, even for three bytes, and a page appends dozens of
/// text runs and escaped pieces.
struct TemplateOutput: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    /// An empty output with room for `capacity` bytes before it must grow.
    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deallocate()
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if bytes.count > capacity - count { grow(toHold: count + bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Appends everything written so far to `buffer`.
    func copy(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }

    private mutating func grow(toHold needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = larger
    }
}
