/// Percent-encoding of a URL's path, query and fragment where a header carries one
/// (`Location`).
enum PercentEncoding {
    /// `target` with every byte a URL may not hold raw written as `%XX`: non-ASCII bytes,
    /// controls, space and ``"<>\^`{|}[]``. A `%` that starts an escape (`%2F`) is kept,
    /// so a target already encoded is not encoded twice; any other `%` becomes `%25`.
    static func urlTarget(_ target: String) -> String {
        // Almost every target is plain ASCII with nothing to encode: no copy then.
        guard target.utf8.contains(where: { !isAllowedRaw($0) }) else { return target }
        let bytes = Array(target.utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for (index, byte) in bytes.enumerated() {
            let startsEscape = byte == UInt8(ascii: "%") && index + 2 < bytes.count
                && isHexDigit(bytes[index + 1]) && isHexDigit(bytes[index + 2])
            if isAllowedRaw(byte) || startsEscape {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986's unreserved and sub-delimiter characters, `:` `@` `/` `?` and `#`.
    private static func isAllowedRaw(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-._~!$&'()*+,;=:@/?#".utf8.contains(byte)
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}
