/// JSON string escapes (RFC 8259 §7), shared by the two JSON readers: the strict one for
/// WebAuthn's client data (`JSONScanner`) and the scope list read from PostgreSQL (`ScopeList`).
enum JSONEscape {
    /// The byte a one-character escape `\X` stands for (`"`, `\`, `/`, b, f, n, r, t);
    /// `nil` for `u` (four hex digits follow) and for anything that is no escape.
    static func byte(for escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }
}
