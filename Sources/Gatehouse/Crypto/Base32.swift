/// RFC 4648 base32 (alphabet `A-Z2-7`), the form authenticator apps take TOTP secrets in.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The base32 text of `bytes`, with `=` padding to a multiple of 8 when `padded`
    /// (otpauth:// URIs leave it out).
    public static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[(buffer >> bits) & 31])
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        if padded { while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of base32 `text`; letters in either case, spaces and trailing `=` are
    /// accepted (people copy secrets by hand). `nil` for any other symbol, a length no
    /// encoder produces, or non-zero leftover bits.
    public static func decode(_ text: String) -> [UInt8]? {
        var symbols = Array(text.utf8.filter { $0 != UInt8(ascii: " ") })
        while symbols.last == UInt8(ascii: "=") { symbols.removeLast() }
        guard [0, 2, 4, 5, 7].contains(symbols.count % 8) else { return nil }
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for symbol in symbols {
            let value: Int
            switch symbol {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = Int(symbol - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = Int(symbol - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = Int(symbol - UInt8(ascii: "2")) + 26
            default: return nil
            }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> bits) & 0xFF))
            }
        }
        guard buffer & ((1 << bits) - 1) == 0 else { return nil }
        return out
    }
}
