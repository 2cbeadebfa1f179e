import Glibc

/// Reads a `Cookie:` request header as name/value pairs.
///
/// Lenient by design: garbage pieces are skipped, never an error, because a broken
/// cookie must only ever make the visitor anonymous. The header is kept as sent and
/// scanned on demand, so looking up the session cookie builds one string, its value.
public struct CookieHeader: Sendable {
    /// The header as sent; empty when there was none or it was oversize.
    private let header: String

    /// Headers longer than this are ignored whole (nginx already caps them near 8 KiB).
    public static let maxLength = 16 * 1024

    /// Wraps `header`; `nil` or an oversize header yields no cookies.
    public init(_ header: String?) {
        guard let header, header.utf8.count <= CookieHeader.maxLength else {
            self.header = ""
            return
        }
        self.header = header
    }

    /// The pairs in header order; a name may repeat. Pieces whose name or value is not
    /// UTF-8 are skipped.
    public var pairs: [(name: String, value: String)] {
        var found: [(name: String, value: String)] = []
        forEachPair { name, value in
            if let nameText = String(utf8Bytes: name), let valueText = String(utf8Bytes: value) {
                found.append((nameText, valueText))
            }
        }
        return found
    }

    /// Every value sent under `name`, in order.
    public func values(named name: String) -> [String] {
        var found: [String] = []
        forEachValue(named: name) { found.append($0) }
        return found
    }

    /// The value of `name` when it was sent exactly once; duplicates are ambiguous
    /// (a sibling domain may have planted one), so they count as absent.
    public func uniqueValue(named name: String) -> String? {
        var found: String?
        var count = 0
        forEachValue(named: name) {
            found = $0
            count += 1
        }
        return count == 1 ? found : nil
    }

    /// Calls `visit` with each UTF-8 value sent under `name`, comparing names as bytes.
    private func forEachValue(named name: String, _ visit: (String) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            forEachPair { pieceName, value in
                if Self.equal(pieceName, wanted), let text = String(utf8Bytes: value) { visit(text) }
            }
        }
    }

    /// Calls `visit` with the name and value bytes of each piece between semicolons that
    /// has an `=` and a name: both trimmed of spaces and tabs, and the value stripped of the
    /// double quotes RFC 6265 allows around it. The bytes are valid only during the call.
    private func forEachPair(_ visit: (Slice<UnsafeBufferPointer<UInt8>>, Slice<UnsafeBufferPointer<UInt8>>) -> Void) {
        var header = header
        header.withUTF8 { bytes in
            var pieceStart = 0
            while pieceStart < bytes.count {
                let pieceEnd = bytes[pieceStart...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
                let piece = bytes[pieceStart..<pieceEnd]
                pieceStart = pieceEnd + 1
                guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = Self.trimmed(piece[..<equals])
                var value = Self.trimmed(piece[(equals + 1)...])
                if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                    value = value.dropFirst().dropLast()
                }
                if !name.isEmpty { visit(name, value) }
            }
        }
    }

    /// Byte equality without the generic `elementsEqual`, which costs more than the scan.
    private static func equal(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == other.count else { return false }
        guard let start = bytes.base.baseAddress, let otherStart = other.baseAddress else { return true }
        return memcmp(start + bytes.startIndex, otherStart, bytes.count) == 0
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[start...last]
    }
}
