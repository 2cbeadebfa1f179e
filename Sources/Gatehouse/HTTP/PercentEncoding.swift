/// Percent-encoding (RFC 3986): `%XX` escapes written into URLs Gatehouse sends and read
/// back from the ones it receives (`FormFields`).
enum PercentEncoding {
    /// `target` with every byte a URL may not hold raw written as `%XX`: non-ASCII bytes,
    /// controls, space and ``"<>\^`{|}[]``. A `%` that starts an escape (`%2F`) is kept,
    /// so a target already encoded is not encoded twice; any other `%` becomes `%25`.
    /// For a `Location` header.
    static func urlTarget(_ target: String) -> String {
        // Almost every target is plain ASCII with nothing to encode: no copy then.
        guard target.utf8.contains(where: { !isAllowedRaw($0) }) else { return target }
        let bytes = Array(target.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for (index, byte) in bytes.enumerated() {
            let startsEscape = byte == UInt8(ascii: "%") && index + 2 < bytes.count
                && Hex.value(of: bytes[index + 1]) != nil && Hex.value(of: bytes[index + 2]) != nil
            if isAllowedRaw(byte) || startsEscape {
                out.append(byte)
            } else {
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` with every byte but unreserved ones and `/` written as `%XX`: a path and
    /// query made safe as the value of one query parameter (`next=`).
    static func queryValue(_ value: String) -> String {
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(byte)
            default:
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "%"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
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
}
