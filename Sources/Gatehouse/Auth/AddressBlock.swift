import Glibc

/// The client address as the address-keyed lockout limits count it.
///
/// One IPv6 host usually holds a whole /64 (SLAAC, privacy addresses), so counting each
/// IPv6 address apart would give an attacker 2^64 fresh addresses: IPv6 addresses count
/// per /64. An IPv4-mapped address counts as its IPv4 address.
enum AddressBlock {
    /// `198.51.100.7` for IPv4, `2001:db8:1:2::/64` for any address in that IPv6 /64;
    /// anything unparseable (a test's or a proxy's odd value) is kept as it is.
    static func key(_ address: String) -> String {
        guard let bytes = AddressRange.parse(address) else { return address }
        if bytes.count == 4 { return format(bytes, family: AF_INET) }
        if bytes[0..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            return format(Array(bytes[12...]), family: AF_INET)
        }
        return format(Array(bytes[0..<8]) + [UInt8](repeating: 0, count: 8), family: AF_INET6) + "/64"
    }

    /// `inet_ntop`'s canonical text for 4 or 16 network-order bytes.
    private static func format(_ bytes: [UInt8], family: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { return Hex.lower(bytes) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
