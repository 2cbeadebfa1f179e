/// Hexadecimal: lowercase encoding, as stored in `session.token` and PostgreSQL's `bytea`
/// text, and decoding of either case (bytea, %-escapes). The project's one hex codec.
public enum Hex {
    /// The sixteen lowercase digits as ASCII, indexed by nibble value.
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lowercase hex, two digits per byte.
    ///
    /// Writes straight into the string's storage through a nibble table: this
    /// runs on every authenticated request (the session storage key).
    public static func lower(_ bytes: some Collection<UInt8>) -> String {
        let count = bytes.count * 2
        guard count > 0 else { return "" }
        return digits.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: count) { out in
                var index = 0
                for byte in bytes {
                    out[index] = table[Int(byte >> 4)]
                    out[index + 1] = table[Int(byte & 0x0F)]
                    index += 2
                }
                return count
            }
        }
    }

    /// The value of a hex digit, either case; `nil` for any other byte.
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The bytes `digits` spell, two hex digits (either case) per byte; `nil` for an odd
    /// count or any other character.
    public static func decode(_ digits: some Collection<UInt8>) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for digit in digits {
            guard let nibble = value(of: digit) else { return nil }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}
