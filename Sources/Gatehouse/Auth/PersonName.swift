/// The rule for first and last names: at most 50 characters, what `users.first_name` and
/// `users.last_name` (`varchar(50)`) hold.
public enum PersonName {
    /// The most characters a name may have.
    public static let maxLength = 50

    /// Whether `name` fits its column. PostgreSQL counts a varchar's characters as Unicode
    /// code points, so this does too: an `é` typed as `e` and U+0301 is two, and a name
    /// that passed a count of what a person sees could still be refused by the database.
    public static func fits(_ name: String) -> Bool {
        name.unicodeScalars.count <= maxLength
    }
}
