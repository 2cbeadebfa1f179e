/// Scopes as the original design stores them: a JSON array of strings in `users.scope`.
///
/// Only read here. Writes are PostgreSQL's own (`to_jsonb`, `||`, `-` in `UserStore`), so a
/// stored name holding quotes can never be written back as two names.
enum ScopeList {
    /// The strings of the JSON array `text` (`scope::text`, as PostgreSQL prints jsonb:
    /// `["admin", "super"]`), in order. Elements that are not strings grant nothing, and
    /// anything but an array (null, an object, broken text) is no scopes at all.
    ///
    /// Read here on bytes rather than unpacked in SQL: `jsonb_array_elements_text` cost
    /// PostgreSQL more than the rest of the session lookup's executor time.
    static func scopes(json text: String) -> [String] {
        var text = text
        return text.withUTF8 { scopes(json: $0) }
    }

    /// `scopes(json:)` on the text's UTF-8 bytes, as libpq hands them over.
    static func scopes(json bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var reader = JSONArrayReader(bytes: bytes)
        return reader.strings() ?? []
    }
}

/// Reads the string elements of one JSON array; see `ScopeList.scopes(json:)`.
private struct JSONArrayReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The array's string elements, or `nil` when `bytes` is not one well-formed array.
    mutating func strings() -> [String]? {
        skipSpace()
        guard take(UInt8(ascii: "[")) else { return nil }
        var found: [String] = []
        skipSpace()
        if take(UInt8(ascii: "]")) { return atEnd() ? found : nil }
        while true {
            skipSpace()
            if peek == UInt8(ascii: "\"") {
                guard let string = string() else { return nil }
                found.append(string)
            } else {
                guard skipValue() else { return nil }
            }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            return atEnd() ? found : nil
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return index == bytes.count
    }

    /// A string starting at the opening quote, escapes decoded.
    private mutating func string() -> String? {
        index += 1
        // Scope names have no escapes: take the bytes between the quotes as they are.
        let start = index
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { index += 1 }
        if peek == UInt8(ascii: "\"") {
            index += 1
            return String(utf8Bytes: bytes[start..<(index - 1)])
        }
        var out = Array(bytes[start..<index])
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(utf8Bytes: out)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                index += 1
                if let simple = JSONEscape.byte(for: escaped) {
                    out.append(simple)
                    continue
                }
                switch escaped {
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                out.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hexQuad() else { return nil }
        guard (0xD800...0xDBFF).contains(high) else { return Unicode.Scalar(high) }
        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hexQuad(),
              (0xDC00...0xDFFF).contains(low) else { return nil }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    private mutating func hexQuad() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Steps over one non-string value: a number, literal, array or object (strings
    /// inside it included), up to the `,` or `]` after it.
    private mutating func skipValue() -> Bool {
        var depth = 0
        while let byte = peek {
            switch byte {
            case UInt8(ascii: "\""):
                guard string() != nil else { return false }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0 { return true }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 { return true }
            default:
                break
            }
            index += 1
        }
        return false
    }
}
