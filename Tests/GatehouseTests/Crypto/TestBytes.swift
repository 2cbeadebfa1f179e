import Gatehouse

/// Byte helpers shared by the crypto tests.
enum TestBytes {
    /// Decodes hex (either case) into bytes; traps on malformed input, which
    /// can only be a typo in a test vector.
    static func hex(_ text: String) -> [UInt8] {
        guard let bytes = Hex.decode(text.utf8) else { preconditionFailure("malformed hex in a test vector: \(text)") }
        return bytes
    }

    /// `count` bytes from the system generator: test inputs, not secrets.
    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
