/// Fields of an `application/x-www-form-urlencoded` body or a query string.
public struct FormFields: Sendable, Equatable {
    /// The decoded pairs in order; a name may repeat.
    public private(set) var pairs: [(name: String, value: String)]

    /// No fields.
    public init() { pairs = [] }

    /// Fields from explicit pairs (tests, CGI).
    public init(_ pairs: [(String, String)]) { self.pairs = pairs.map { (name: $0.0, value: $0.1) } }

    /// Decodes `name=value&...`; `+` is a space.
    ///
    /// Returns `nil` for input a browser never sends: a broken `%` escape, bytes that are
    /// not UTF-8 once decoded, or a NUL character. Callers answer 400 and change nothing.
    public init?(urlEncoded bytes: [UInt8]) {
        var decoded: [(name: String, value: String)] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            guard let name = FormFields.percentDecode(piece[piece.startIndex..<eq]),
                  let value = FormFields.percentDecode(eq == piece.endIndex ? [] : piece[piece.index(after: eq)...])
            else { return nil }
            decoded.append((name, value))
        }
        pairs = decoded
    }

    /// The first value sent under `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value sent under `name`.
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Percent-decodes one component; `nil` on a bad escape, invalid UTF-8 or NUL.
    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex,
                      let high = Hex.value(of: bytes[index + 1]), let low = Hex.value(of: bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            default:
                out.append(byte)
                index += 1
            }
        }
        guard !out.contains(0) else { return nil }
        return String(utf8Bytes: out)
    }
}
