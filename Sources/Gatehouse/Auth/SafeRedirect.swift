/// Keeps `next` on this site: only local paths are followed, anything else becomes `/`.
enum SafeRedirect {
    /// `candidate` when it is a local path (starts with `/`, not `//` or `/\`, and holds no
    /// control character or backslash anywhere, since browsers drop tabs and newlines and
    /// read `\` as `/`); otherwise `/`.
    static func target(_ candidate: String?) -> String {
        guard let candidate, candidate.utf8.first == UInt8(ascii: "/") else { return "/" }
        let bytes = Array(candidate.utf8)
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return "/" }
        for byte in bytes where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            return "/"
        }
        return candidate
    }

    /// Percent-encodes a path and query for use as the value of `next=` in a URL.
    static func encode(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
