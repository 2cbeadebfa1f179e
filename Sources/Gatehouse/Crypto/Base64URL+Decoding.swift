extension Base64URL {
    /// Decodes unpadded base64url strictly, as WebAuthn's JSON carries credential ids,
    /// clientDataJSON, attestation objects and signatures.
    ///
    /// Refuses anything but the 64 symbols (no `=`, `+`, `/`, spaces), a length that leaves
    /// a lone symbol (4n + 1), and unused low bits that are not zero, so each byte string
    /// has exactly one accepted spelling: a credential id cannot be sent twice under two names.
    /// - Returns: the bytes, or nil when `text` is no canonical base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            guard let value = sextet(symbol) else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // What is left is padding inside the last symbol; a canonical encoder leaves zeros.
        guard buffer == 0 else { return nil }
        return output
    }

    /// The value of one base64url symbol, or nil.
    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
