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

    /// Whether `scope` may be named for removal: any stored name an adopted database may
    /// hold (`x","super`, spaces), 1–256 bytes without control characters. Removing never
    /// grants anything, and it is the way to be rid of such a name.
    public static func isRemovableScope(_ scope: String) -> Bool {
        (1...256).contains(scope.utf8.count) && !scope.unicodeScalars.contains { $0.properties.generalCategory == .control }
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
