/// Text for a mail header (a subject, a display name) that cannot break out of its header.
///
/// CR, LF, NUL and every other control character become spaces when the value is made, so
/// no later step can turn it into a second header or an early body. Rendering writes
/// ASCII text as it is and anything else as RFC 2047 encoded words.
struct HeaderText: Sendable, Equatable {
    /// The text, without control characters.
    let text: String

    init(_ raw: String) {
        text = String(String.UnicodeScalarView(raw.unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) ? " " : scalar
        }))
    }

    /// Whether the text needs encoded words (anything outside printable ASCII).
    var needsEncoding: Bool { text.utf8.contains { $0 >= 0x7F } }

    /// The header field value: the text itself, or `=?UTF-8?B?…?=` words (whole UTF-8
    /// characters, at most 45 bytes each so a word stays within 75 characters) folded
    /// onto continuation lines.
    var encoded: String {
        guard needsEncoding else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name for `From:`/`To:`: encoded words when needed, else a quoted string
    /// (`"` and `\` escaped) so that `,`, `<` or `@` in a name stay part of it.
    var displayName: String {
        if needsEncoding { return encoded }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}

/// Standard base64 (RFC 4648 §4, with padding), for encoded words and MIME bodies.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = bytes[index]
            let b = index + 1 < bytes.count ? bytes[index + 1] : 0
            let c = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | b >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b & 0x0F) << 2 | c >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(c & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
