/// Lowercase hexadecimal encoding, as stored in `session.token` and shown in logs.
public enum Hex {
    /// The sixteen lowercase digits as ASCII, indexed by nibble value.
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lowercase hex, two digits per byte.
    ///
    /// Writes straight into the string's storage through a nibble table: this
    /// runs on every authenticated request (the session storage key).
    public static func lower(_ bytes: some Collection<UInt8>) -> String {
        let count = bytes.count * 2
        guard count > 0 else { return "" }
        return digits.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: count) { out in
                var index = 0
                for byte in bytes {
                    out[index] = table[Int(byte >> 4)]
                    out[index + 1] = table[Int(byte & 0x0F)]
                    index += 2
                }
                return count
            }
        }
    }
}
