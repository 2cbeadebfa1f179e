/// A strict scanner for the JSON of clientDataJSON and of the passkey routes' bodies:
/// members that are strings, booleans or objects (as WebAuthn's `response`) are returned;
/// other values are validated and skipped.
struct JSONScanner {
    /// A member's value, as far as Gatehouse needs it.
    enum Member: Equatable, Sendable { case string(String), bool(Bool), object([String: Member]), other }

    static let maxDepth = 8
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the one object the input must consist of.
    mutating func topLevelObject() throws(WebAuthnError) -> [String: Member] {
        skipSpace()
        let members = try object(depth: 1)
        skipSpace()
        guard offset == bytes.count else { throw .malformed("JSON: trailing bytes") }
        return members
    }

    /// Reads an object's members, nested objects within the depth limit.
    private mutating func object(depth: Int) throws(WebAuthnError) -> [String: Member] {
        guard depth <= Self.maxDepth else { throw .malformed("JSON: too deep") }
        guard next() == UInt8(ascii: "{") else { throw .malformed("JSON: no object") }
        var members: [String: Member] = [:]
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                skipSpace()
                let name = try string()
                skipSpace()
                guard next() == UInt8(ascii: ":") else { throw .malformed("JSON: no colon") }
                skipSpace()
                let member: Member
                switch peek() {
                case UInt8(ascii: "\""): member = .string(try string())
                case UInt8(ascii: "t"): try literal("true"); member = .bool(true)
                case UInt8(ascii: "f"): try literal("false"); member = .bool(false)
                case UInt8(ascii: "{"): member = .object(try object(depth: depth + 1))
                default: try skipValue(depth: depth); member = .other
                }
                guard members.updateValue(member, forKey: name) == nil else { throw .malformed("JSON: duplicate member") }
                skipSpace()
                let separator = next()
                if separator == UInt8(ascii: "}") { break }
                guard separator == UInt8(ascii: ",") else { throw .malformed("JSON: bad separator") }
            }
        }
        return members
    }

    /// Validates and skips any value (objects and arrays within the depth limit).
    private mutating func skipValue(depth: Int) throws(WebAuthnError) {
        guard depth <= Self.maxDepth else { throw .malformed("JSON: too deep") }
        skipSpace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = next() == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            skipSpace()
            if peek() == close { offset += 1; return }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    _ = try string()
                    skipSpace()
                    guard next() == UInt8(ascii: ":") else { throw .malformed("JSON: no colon") }
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                let separator = next()
                if separator == close { return }
                guard separator == UInt8(ascii: ",") else { throw .malformed("JSON: bad separator") }
            }
        default:
            // Numbers: the JSON grammar's characters; clientData defines none of its own.
            let start = offset
            while let byte = peek(), (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { offset += 1 }
            guard offset > start else { throw .malformed("JSON: bad value") }
        }
    }

    /// Reads a string with its escapes (surrogate pairs joined, lone surrogates refused).
    private mutating func string() throws(WebAuthnError) -> String {
        guard next() == UInt8(ascii: "\"") else { throw .malformed("JSON: no string") }
        var out: [UInt8] = []
        while true {
            guard let byte = next() else { throw .malformed("JSON: unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw .malformed("JSON: bad UTF-8") }
                return text
            case 0..<0x20:
                throw .malformed("JSON: control character in string")
            case UInt8(ascii: "\\"):
                guard let escape = next() else { throw .malformed("JSON: bad escape") }
                if let simple = JSONEscape.byte(for: escape) {
                    out.append(simple)
                    continue
                }
                switch escape {
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else { throw .malformed("JSON: lone surrogate") }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw .malformed("JSON: lone surrogate") }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw .malformed("JSON: lone surrogate") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw .malformed("JSON: bad escape")
                }
            default:
                out.append(byte)
            }
        }
    }

    private mutating func hex4() throws(WebAuthnError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next(), let digit = Hex.value(of: byte) else { throw .malformed("JSON: bad \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func literal(_ word: String) throws(WebAuthnError) {
        for expected in word.utf8 { guard next() == expected else { throw .malformed("JSON: bad literal") } }
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
    }

    private func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func next() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
}
