/// A strict reader of the CBOR (RFC 8949) that WebAuthn uses: unsigned and negative
/// integers, byte and text strings, arrays, maps, `false`/`true`/`null`; definite lengths
/// only, a depth and a size limit, no duplicate map keys.
///
/// Anything else — indefinite lengths, tags, floats, undefined, simple values, lengths
/// beyond the input — is refused, so an attacker's encoding cannot reach libfido2 in a
/// shape this reader did not understand.
public struct CBORReader {
    /// The deepest nesting accepted (the COSE key inside an attestation object is at 2).
    public static let maxDepth = 8
    /// The largest input accepted: the JSON body limit of the routes.
    public static let maxInput = 64 * 1024

    private let bytes: [UInt8]
    /// Index of the next unread byte.
    public private(set) var offset: Int

    /// Reads `bytes` from `offset` on.
    /// - Throws: `.oversized` beyond `maxInput`.
    public init(_ bytes: [UInt8], offset: Int = 0) throws(CBORError) {
        guard bytes.count <= Self.maxInput else { throw .oversized }
        self.bytes = bytes
        self.offset = offset
    }

    /// Whether every byte has been read.
    public var atEnd: Bool { offset == bytes.count }

    /// Reads one whole data item.
    public mutating func readValue() throws(CBORError) -> CBORValue {
        try readValue(depth: 0)
    }

    /// Reads one data item that must be the last thing in the input.
    /// - Throws: `.trailingBytes` when anything follows it.
    public mutating func readOnlyValue() throws(CBORError) -> CBORValue {
        let value = try readValue()
        guard atEnd else { throw .trailingBytes }
        return value
    }

    /// Reads a map's header and returns its number of entries (for callers that need the
    /// encoded bytes of an entry's value, such as an attestation statement).
    public mutating func readMapHeader() throws(CBORError) -> Int {
        let (major, argument) = try readHead()
        guard major == 5 else { throw .unexpectedType }
        return try count(argument)
    }

    /// Returns the encoded bytes between two offsets of this reader's input.
    public func slice(_ range: Range<Int>) -> [UInt8] {
        Array(bytes[range])
    }

    private mutating func readValue(depth: Int) throws(CBORError) -> CBORValue {
        guard depth <= Self.maxDepth else { throw .tooDeep }
        let (major, argument) = try readHead()
        switch major {
        case 0:
            return .unsigned(argument)
        case 1:
            return .negative(argument)
        case 2:
            return .bytes(try take(count(argument)))
        case 3:
            guard let text = String(validating: try take(count(argument)), as: UTF8.self) else {
                throw .invalidText
            }
            return .text(text)
        case 4:
            var items: [CBORValue] = []
            for _ in 0..<(try count(argument)) { items.append(try readValue(depth: depth + 1)) }
            return .array(items)
        case 5:
            var entries: [CBORValue.Entry] = []
            for _ in 0..<(try count(argument)) {
                let key = try readValue(depth: depth + 1)
                guard !entries.contains(where: { $0.key == key }) else { throw .duplicateKey }
                entries.append(CBORValue.Entry(key: key, value: try readValue(depth: depth + 1)))
            }
            return .map(entries)
        default:
            // Major 7: only the three simple values WebAuthn's structures may hold; the
            // argument of 20/21/22 arrives in the initial byte (readHead keeps it).
            switch argument {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            default: throw .unsupported
            }
        }
    }

    /// Reads an initial byte and its argument; refuses indefinite lengths, tags and the
    /// reserved additional-information values.
    private mutating func readHead() throws(CBORError) -> (major: UInt8, argument: UInt64) {
        guard offset < bytes.count else { throw .truncated }
        let initial = bytes[offset]
        offset += 1
        let major = initial >> 5
        let info = initial & 0x1F
        guard major != 6 else { throw .unsupported }
        if major == 7 {
            guard info < 24 else { throw .unsupported }
            return (7, UInt64(info))
        }
        switch info {
        case 0..<24:
            return (major, UInt64(info))
        case 24, 25, 26, 27:
            let width = 1 << Int(info - 24)
            var value: UInt64 = 0
            for byte in try take(width) { value = value << 8 | UInt64(byte) }
            return (major, value)
        default:
            throw .unsupported
        }
    }

    /// A length or count that fits in the unread input (each item is at least one byte),
    /// so a forged huge count cannot make the reader allocate or loop.
    private func count(_ argument: UInt64) throws(CBORError) -> Int {
        guard argument <= UInt64(bytes.count - offset) else { throw .truncated }
        return Int(argument)
    }

    /// Takes the next `length` bytes.
    private mutating func take(_ length: Int) throws(CBORError) -> [UInt8] {
        guard length <= bytes.count - offset else { throw .truncated }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}

/// A decoded CBOR data item.
public indirect enum CBORValue: Sendable, Equatable {
    case unsigned(UInt64)
    /// The integer −1 − n.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBORValue])
    case map([Entry])
    case bool(Bool)
    case null

    /// One key/value pair of a map, in encoded order.
    public struct Entry: Sendable, Equatable {
        public let key: CBORValue
        public let value: CBORValue
    }

    /// The value as a Swift `Int` when it is an integer that fits.
    public var integer: Int? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): return n < UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }

    /// The value stored under `key` when this is a map.
    public subscript(key: CBORValue) -> CBORValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }
}

/// Why CBOR input was refused.
public enum CBORError: Error, Sendable, Equatable {
    case truncated, trailingBytes, oversized, tooDeep, unsupported, invalidText, duplicateKey, unexpectedType
}
