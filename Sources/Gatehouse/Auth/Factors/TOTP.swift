import Glibc

/// RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA1,
/// 6 digits, 30-second steps from the Unix epoch, one step either side accepted for
/// clock drift. Pure computation; `TOTPStore` keeps secrets and the replay guard.
public enum TOTP {
    /// Seconds per step.
    public static let period: Int64 = 30
    /// Digits of a code.
    public static let digits = 6
    /// Bytes of a new secret (RFC 4226 recommends 160 bits).
    public static let secretLength = 20
    /// Steps accepted either side of the current one.
    public static let drift: Int64 = 1

    /// The wall clock in Unix seconds: TOTP steps are counted from the epoch, as the
    /// user's phone counts them.
    public static func currentTime() -> Int64 {
        Int64(time(nil))
    }

    /// The step `unixTime` falls in.
    public static func step(at unixTime: Int64) -> Int64 {
        unixTime >= 0 ? unixTime / period : (unixTime - period + 1) / period
    }

    /// The code for `secret` at `step` (RFC 4226 dynamic truncation), `digits` long with
    /// leading zeros.
    public static func code(secret: [UInt8], step: Int64, digits: Int = digits) -> String {
        precondition(digits >= 6 && digits <= 9, "TOTP: 6 to 9 digits")
        let counter = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (56 - 8 * UInt64($0))) }
        let mac = OpenSSL.hmacSHA1(key: secret, message: counter)
        let offset = Int(mac[19] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The code as typed, without spaces, when it is exactly six ASCII digits; else `nil`
    /// (letters, other lengths and non-ASCII digits never reach the comparison).
    public static func normalized(_ typed: String) -> String? {
        let kept = typed.utf8.filter { $0 != UInt8(ascii: " ") }
        guard kept.count == digits, kept.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The newest step within `drift` of `now` whose code is `typed` and which is later
    /// than `lastUsed` (a code, once accepted, never counts again), else `nil`.
    /// Every candidate is compared in constant time.
    public static func matchingStep(_ typed: String, secret: [UInt8], now unixTime: Int64, after lastUsed: Int64) -> Int64? {
        guard let typed = normalized(typed) else { return nil }
        let current = step(at: unixTime)
        var matched: Int64?
        for candidate in (current - drift)...(current + drift) {
            let equal = OpenSSL.constantTimeEqual(Array(code(secret: secret, step: candidate).utf8), Array(typed.utf8))
            if equal, candidate > lastUsed { matched = candidate }
        }
        return matched
    }

    /// The `otpauth://` URI an app reads from the QR code: label `issuer:username`, the
    /// unpadded base32 secret, and the parameters spelt out (they are the defaults).
    public static func uri(secret: [UInt8], issuer: String, username: String) -> String {
        let label = PercentEncoding.queryValue(issuer) + ":" + PercentEncoding.queryValue(username)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret, padded: false))&issuer=\(PercentEncoding.queryValue(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}
