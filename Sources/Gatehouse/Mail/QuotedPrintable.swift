/// Quoted-printable (RFC 2045 §6.7) for mail bodies: readable where the text is ASCII,
/// lines within 76 characters, every line ending CRLF.
enum QuotedPrintable {
    /// Encodes `text`; its line breaks (LF or CRLF) become CRLF.
    static func encode(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var bytes = Array(line.utf8)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            lines.append(encodeLine(bytes))
        }
        return lines.joined(separator: "\r\n")
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// One line, soft-broken (`=` CRLF) before 76 characters.
    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var column = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "="))
                || (byte == 0x20 && !isLast) || (byte == 0x09 && !isLast)
            let piece: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            if column + piece.count > 75 {
                out += [UInt8(ascii: "="), 0x0D, 0x0A]
                column = 0
            }
            out += piece
            column += piece.count
        }
        return String(decoding: out, as: UTF8.self)
    }
}
