import Glibc

/// Syntax checks for IP addresses and CIDR ranges, done by the C library's `inet_pton`.
enum NetworkAddress {
    /// True for a dotted-quad IPv4 address such as `127.0.0.1`.
    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    /// True for an IPv6 address such as `::1` (no brackets, no zone).
    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// True for an IPv4 or IPv6 address, optionally followed by `/PREFIX`
    /// (0–32 for IPv4, 0–128 for IPv6).
    static func isAddressOrRange(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        let address = String(parts[0])
        let maxPrefix: Int
        if isIPv4(address) {
            maxPrefix = 32
        } else if isIPv6(address) {
            maxPrefix = 128
        } else {
            return false
        }
        guard parts.count == 2 else { return true }
        let prefix = parts[1]
        guard !prefix.isEmpty, prefix.count <= 3,
            prefix.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let bits = Int(prefix)
        else { return false }
        return bits <= maxPrefix
    }
}
