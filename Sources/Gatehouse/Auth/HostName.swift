/// The one spelling of a host name Gatehouse accepts in REDIRECT_HOSTS, COOKIE_DOMAIN and
/// the host of an absolute `next`: lower-case ASCII labels of letters, digits and `-`,
/// joined by single dots, at most 253 bytes; no trailing dot, no empty label.
///
/// Deliberately narrower than what browsers accept: every other spelling of a host (upper
/// case, `%`-escapes, a trailing dot, non-ASCII, user info) is one a browser may read
/// differently from a naive comparison, so it is refused rather than normalised.
enum HostName {
    /// Longest host name in DNS.
    static let maximumLength = 253

    /// Whether `bytes` is a host name in the one spelling above.
    static func isValid<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var labelLength = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                labelLength += 1
                if labelLength > 63 { return false }
            case UInt8(ascii: "."):
                if labelLength == 0 { return false }
                labelLength = 0
            default:
                return false
            }
        }
        return labelLength > 0
    }

    /// The number of labels of a valid host name (`app.example.com`: 3).
    static func labelCount(_ host: String) -> Int {
        host.utf8.reduce(1) { $1 == UInt8(ascii: ".") ? $0 + 1 : $0 }
    }

    /// Whether any label of `host` is an IDNA A-label (`xn--…`): the ASCII form of a
    /// Unicode name, which may look like another name once a browser shows it.
    static func hasPunycodeLabel(_ host: Substring) -> Bool {
        host.split(separator: ".").contains { $0.hasPrefix("xn--") }
    }
}
