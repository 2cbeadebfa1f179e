/// Which page of users to show: an optional search and a keyset position, for `/admin`
/// and `gatehouse user list`. Pages are ordered by username and found by the username
/// they start after (or end before), never by an offset, so page 400 costs what page 1 does.
public struct UserListing: Sendable, Equatable {
    /// Where the page starts.
    public enum Position: Sendable, Equatable {
        /// The first page.
        case first
        /// The users after this username.
        case after(String)
        /// The users just before this username (the page before one that starts with it).
        case before(String)
    }

    /// Why a listing was refused; the text is shown to the person who asked.
    public enum Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        case searchTooLong
        case positionTooLong
        case twoPositions
        case limit

        public var description: String {
            switch self {
            case .searchTooLong: "A search is at most \(UserListing.maxSearchLength) characters."
            case .positionTooLong: "A page position is a username: at most \(UserListing.maxPositionLength) characters."
            case .twoPositions: "Give either after or before, not both."
            case .limit: "A page holds 1 to \(UserListing.maxLimit) users."
            }
        }
    }

    /// Users per page on `/admin` and the CLI's default.
    public static let pageSize = 50
    /// The most users one page may hold.
    public static let maxLimit = 1000
    /// Longer than any username, name or address prefix could usefully be.
    public static let maxSearchLength = 100
    /// `users.username` is `varchar(20)`; adopted rows may hold any such name.
    public static let maxPositionLength = 20

    /// The prefix searched for (trimmed, never empty), or `nil` for every user.
    public let search: String?
    /// Where the page starts.
    public let position: Position
    /// Users per page.
    public let limit: Int

    /// A listing from request or command-line values; empty strings count as absent.
    /// - Throws: `Invalid` for a search or position too long to mean anything, both
    ///   positions at once, or a limit outside 1…`maxLimit`.
    public init(search: String?, after: String? = nil, before: String? = nil, limit: Int = UserListing.pageSize) throws(Invalid) {
        let trimmed = search.map { $0.trimmingSpaces() }
        guard (trimmed?.unicodeScalars.count ?? 0) <= UserListing.maxSearchLength else { throw .searchTooLong }
        guard (1...UserListing.maxLimit).contains(limit) else { throw .limit }
        let after = after.flatMap { $0.isEmpty ? nil : $0 }
        let before = before.flatMap { $0.isEmpty ? nil : $0 }
        for position in [after, before].compactMap({ $0 }) where position.unicodeScalars.count > UserListing.maxPositionLength {
            throw .positionTooLong
        }
        switch (after, before) {
        case (let after?, nil): position = .after(after)
        case (nil, let before?): position = .before(before)
        case (nil, nil): position = .first
        default: throw .twoPositions
        }
        self.search = trimmed.flatMap { $0.isEmpty ? nil : $0 }
        self.limit = limit
    }

    /// The first page of every user, `pageSize` long.
    public static let firstPage = UserListing(search: nil, position: .first, limit: pageSize)

    private init(search: String?, position: Position, limit: Int) {
        self.search = search
        self.position = position
        self.limit = limit
    }

    /// One page of users and where its neighbours start.
    public struct Page: Sendable, Equatable {
        /// The users shown, by username.
        public let users: [User]
        /// The `after` value of the next page; `nil` when this is the last.
        public let nextAfter: String?
        /// The `before` value of the previous page; `nil` when this is the first.
        public let previousBefore: String?
    }
}
