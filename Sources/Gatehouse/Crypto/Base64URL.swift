/// Base64url without padding (RFC 4648 §5), the cookie-safe form of tokens.
public enum Base64URL {
    /// The 64 symbols as ASCII, indexed by sextet value.
    static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Whether `byte` is one of the 64 base64url symbols (no `=`, `+` or `/`).
    @inline(__always)
    static func isSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// Number of characters `encode` produces for `byteCount` bytes.
    public static func encodedLength(_ byteCount: Int) -> Int {
        (byteCount * 4 + 2) / 3
    }

    /// Encodes `bytes` as base64url with no `=` padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        let length = encodedLength(bytes.count)
        guard length > 0 else { return "" }
        return alphabet.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { input in
                String(unsafeUninitializedCapacity: length) { out in
                    var o = 0
                    var i = 0
                    // Whole 3-byte groups become 4 symbols.
                    while i + 3 <= input.count {
                        let group = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                            | UInt32(input[i + 2])
                        out[o] = table[Int(group >> 18)]
                        out[o + 1] = table[Int(group >> 12 & 0x3F)]
                        out[o + 2] = table[Int(group >> 6 & 0x3F)]
                        out[o + 3] = table[Int(group & 0x3F)]
                        i += 3
                        o += 4
                    }
                    // A trailing 1 or 2 bytes become 2 or 3 symbols, unpadded.
                    let rest = input.count - i
                    if rest > 0 {
                        let group = UInt32(input[i]) << 16
                            | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                        out[o] = table[Int(group >> 18)]
                        out[o + 1] = table[Int(group >> 12 & 0x3F)]
                        o += 2
                        if rest == 2 {
                            out[o] = table[Int(group >> 6 & 0x3F)]
                            o += 1
                        }
                    }
                    return o
                }
            }
        }
    }
}
