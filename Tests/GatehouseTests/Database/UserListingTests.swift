@testable import Gatehouse
import Testing

@Suite("User listing (search and page position)")
struct UserListingTests {
    @Test("Empty values are absent; the search is trimmed")
    func defaults() throws {
        let listing = try UserListing(search: "  ada  ", after: "", before: "")
        #expect(listing.search == "ada")
        #expect(listing.position == .first)
        #expect(listing.limit == 50)
        #expect(try UserListing(search: " \t ").search == nil)
        #expect(try UserListing(search: nil, after: "bob").position == .after("bob"))
        #expect(try UserListing(search: nil, before: "bob").position == .before("bob"))
    }

    @Test("Too long, both positions or a bad limit are refused", arguments: [
        (String(repeating: "a", count: 101), nil, nil, 50, UserListing.Invalid.searchTooLong),
        (nil, String(repeating: "b", count: 21), nil, 50, .positionTooLong),
        (nil, nil, String(repeating: "é", count: 21), 50, .positionTooLong),
        (nil, "a", "b", 50, .twoPositions),
        (nil, nil, nil, 0, .limit),
        (nil, nil, nil, 1001, .limit),
    ] as [(String?, String?, String?, Int, UserListing.Invalid)])
    func refused(search: String?, after: String?, before: String?, limit: Int, expected: UserListing.Invalid) {
        #expect(throws: expected) { try UserListing(search: search, after: after, before: before, limit: limit) }
    }

    @Test("Limits of the accepted lengths", arguments: [100])
    func longest(length: Int) throws {
        #expect(try UserListing(search: String(repeating: "ä", count: length)).search?.count == length)
        #expect(try UserListing(search: nil, after: String(repeating: "z", count: 20)).position == .after(String(repeating: "z", count: 20)))
    }

    @Test("LIKE's wildcards and escape character in a search mean themselves", arguments: [
        ("ada", "ada%"),
        ("50%", "50\\%%"),
        ("a_b", "a\\_b%"),
        ("back\\slash", "back\\\\slash%"),
        ("o'hara", "o'hara%"),
    ])
    func likePrefix(search: String, pattern: String) {
        #expect(UserStore.likePrefix(search) == pattern)
    }
}
