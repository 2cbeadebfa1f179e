/// The username rule: 1–20 characters of `[A-Za-z0-9_.@-]` (fits `varchar(20)`).
public enum Username {
    /// Whether `name` is an acceptable username.
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...20).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "@"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// Scope names follow a similar rule, 1–64 characters of `[A-Za-z0-9_.:-]`.
    public static func isValidScope(_ scope: String) -> Bool {
        let bytes = scope.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
