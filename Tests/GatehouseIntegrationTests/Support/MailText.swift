import Foundation

/// Reading mail as a recipient does: quoted-printable undone, links found.
enum MailText {
    /// `raw` with quoted-printable soft breaks removed and `=XX` decoded (headers pass
    /// through unchanged: they hold no `=XX` of their own here).
    static func decoded(_ raw: String) -> String {
        let bytes = Array(raw.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `<site>/auth/reset/<43 characters>` link in the mail `raw`.
    static func resetLink(in raw: String, site: String) -> String? {
        let text = decoded(raw)
        guard let start = text.range(of: site + "/auth/reset/") else { return nil }
        let token = text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return token.count == 43 ? site + "/auth/reset/" + token : nil
    }
}
