/// Parses a `Cookie:` request header into name/value pairs.
///
/// Lenient by design: garbage pieces are skipped, never an error, because a broken
/// cookie must only ever make the visitor anonymous.
public struct CookieHeader: Sendable {
    /// The pairs in header order; a name may repeat.
    public let pairs: [(name: String, value: String)]

    /// Headers longer than this are ignored whole (nginx already caps them near 8 KiB).
    public static let maxLength = 16 * 1024

    /// Parses `header`; `nil` or an oversize header yields no cookies.
    public init(_ header: String?) {
        guard let header, header.utf8.count <= CookieHeader.maxLength else {
            pairs = []
            return
        }
        var found: [(name: String, value: String)] = []
        for piece in header.utf8.split(separator: UInt8(ascii: ";")) {
            guard let eq = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = CookieHeader.trimmed(piece[piece.startIndex..<eq])
            var value = CookieHeader.trimmed(piece[piece.index(after: eq)...])
            // RFC 6265 allows a DQUOTE-wrapped value; the quotes are not part of it.
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            guard !name.isEmpty, let nameText = String(validating: name, as: UTF8.self),
                  let valueText = String(validating: value, as: UTF8.self) else { continue }
            found.append((nameText, valueText))
        }
        pairs = found
    }

    /// Every value sent under `name`, in order.
    public func values(named name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The value of `name` when it was sent exactly once; duplicates are ambiguous
    /// (a sibling domain may have planted one), so they count as absent.
    public func uniqueValue(named name: String) -> String? {
        let all = values(named: name)
        return all.count == 1 ? all[0] : nil
    }

    private static func trimmed<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence where C.Element == UInt8 {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[start...last]
    }
}
