/// An email address in the one plain form Gatehouse sends to: `local@domain`, ASCII,
/// at most 254 bytes, a dot-atom local part of at most 64 bytes and a host name.
///
/// No quoted local parts, comments, display names or address literals: what a person
/// types into a form, nothing a header could be bent with. A value of this type can hold
/// no CR, LF, NUL, space, `<`, `>` or `,`, so it is safe in `From:`/`To:` and in the SMTP
/// envelope by construction.
struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as given, its domain in lower case.
    let text: String

    /// Longest address (RFC 5321's path limit less the brackets).
    static let maximumLength = 254
    /// Longest local part (RFC 5321 §4.5.3.1.1).
    static let maximumLocalLength = 64
    /// RFC 5322 `atext`, the characters of a dot-atom besides letters and digits.
    private static let atextSymbols = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    /// Validates `input`; `nil` with `MailAddress.problem(input)` saying why.
    init?(_ input: String) {
        guard Self.problem(input) == nil, let at = input.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = String(input[..<at])
        let domain = String(input[input.index(after: at)...]).lowercased()
        text = local + "@" + domain
    }

    /// Why `input` is no address Gatehouse accepts, in words for a form; `nil` when it is one.
    static func problem(_ input: String) -> String? {
        let bytes = Array(input.utf8)
        guard !bytes.isEmpty else { return "An email address is required." }
        guard bytes.count <= maximumLength else { return "An email address has at most \(maximumLength) characters." }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "An email address holds no spaces, control characters or non-ASCII letters."
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), bytes.firstIndex(of: UInt8(ascii: "@")) == at else {
            return "An email address has exactly one @."
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        guard !local.isEmpty, local.count <= maximumLocalLength,
              local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
              local.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || atextSymbols.contains($0) })
        else {
            return "The part before the @ may hold letters, digits, dots (not first, last or doubled) and !#$%&'*+/=?^_`{|}~- only."
        }
        guard HostName.isValid(domain) else {
            return "The part after the @ must be a domain name such as example.com."
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    var description: String { text }
}
