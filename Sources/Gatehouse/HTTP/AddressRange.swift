import Glibc

/// An IPv4 or IPv6 address or CIDR range, for TRUSTED_PROXIES and METRICS_ALLOW.
public struct AddressRange: Sendable, Equatable {
    private let bytes: [UInt8]
    private let prefixBits: Int

    /// Parses `192.0.2.1`, `10.0.0.0/8`, `::1`, `2001:db8::/32`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = AddressRange.parse(String(parts[0])) else { return nil }
        bytes = address
        if parts.count == 2 {
            guard let bits = Int(parts[1]), (0...(address.count * 8)).contains(bits) else { return nil }
            prefixBits = bits
        } else {
            prefixBits = address.count * 8
        }
    }

    /// Whether `address` (a plain IP, as in REMOTE_ADDR) falls in this range.
    /// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) counts as its IPv4 address.
    public func contains(_ address: String) -> Bool {
        guard var candidate = AddressRange.parse(address) else { return false }
        if candidate.count == 16, bytes.count == 4, candidate[0..<12] == AddressRange.mappedPrefix[...] {
            candidate = Array(candidate[12...])
        }
        guard candidate.count == bytes.count else { return false }
        var remaining = prefixBits
        for index in bytes.indices where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if candidate[index] & mask != bytes[index] & mask { return false }
            remaining -= 8
        }
        return true
    }

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// The address's network-order bytes (4 or 16), via `inet_pton`.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// The address a request really came from.
enum ClientAddress {
    /// `REMOTE_ADDR`, unless that is a trusted proxy: then the right-most address in
    /// `X-Forwarded-For` that is not itself a trusted proxy (entries further left were
    /// written by the client and prove nothing).
    static func resolve(remote: String, forwardedFor: String?, trusted: [AddressRange]) -> String {
        guard !trusted.isEmpty, trusted.contains(where: { $0.contains(remote) }), let forwardedFor else { return remote }
        let hops = forwardedFor.utf8.split(separator: UInt8(ascii: ",")).map { Substring($0).trimmingSpaces() }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trusted.contains(where: { $0.contains(hop) }) {
            return AddressRange.parse(hop) != nil ? hop : remote
        }
        return hops.first ?? remote
    }
}
