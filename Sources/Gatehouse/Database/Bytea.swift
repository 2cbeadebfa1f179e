/// PostgreSQL `bytea` in its text form (`\x` followed by hex digits).
enum Bytea {
    /// `\x0a1b...` for `bytes`, to pass as a text parameter.
    static func encode(_ bytes: [UInt8]) -> String {
        "\\x" + Hex.lower(bytes)
    }

    /// The bytes of a `\x...` value; `nil` for anything else.
    static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else { return nil }
        return Hex.decode(bytes.dropFirst(2))
    }
}
