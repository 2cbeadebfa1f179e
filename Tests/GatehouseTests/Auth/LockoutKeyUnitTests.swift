import Testing

@testable import Gatehouse

/// The pieces the lockout keys are made of, without a database.
@Suite struct LockoutKeyUnitTests {
    @Test("Addresses count IPv4 as they are, IPv6 per /64, IPv4-mapped as IPv4", arguments: [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8::", "2001:db8::/64"),
        ("::1", "::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("not an address", "not an address"),
    ])
    func addressBlock(address: String, key: String) {
        #expect(AddressBlock.key(address) == key)
    }

    @Test("A device cookie verifies only for its user and only unaltered")
    func deviceCookie() {
        let key = DeviceCookie.key(secretKey: Array("a secret key of at least 32 bytes..".utf8))
        let cookie = DeviceCookie.issue(key: key, userID: 7)
        #expect(DeviceCookie.verified([cookie.value], key: key, userID: 7) == cookie)
        #expect(DeviceCookie.verified([cookie.value], key: key, userID: 8) == nil)
        let otherKey = DeviceCookie.key(secretKey: Array("another secret key of 32 bytes or more".utf8))
        #expect(DeviceCookie.verified([cookie.value], key: otherKey, userID: 7) == nil)
        var altered = Array(cookie.value.utf8)
        altered[3] = altered[3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(DeviceCookie.verified([String(decoding: altered, as: UTF8.self)], key: key, userID: 7) == nil)
        // A planted duplicate does not hide the real one; junk is skipped.
        #expect(DeviceCookie.verified(["junk", "", cookie.value + "x", cookie.value], key: key, userID: 7) == cookie)
        #expect(DeviceCookie.issue(key: key, userID: 7) != cookie)
        // The counter key is a digest, not the cookie.
        #expect(cookie.counterKey.count == 32)
        #expect(!cookie.value.contains(cookie.counterKey))
    }
}
