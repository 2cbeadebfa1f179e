import FuzzSupport
import Gatehouse

/// Runs libFuzzer on `fuzzForm`.
@main
enum FuzzFormMain {
    static func main() { runLibFuzzer(fuzzForm) }
}

/// libFuzzer entry point: the input is an `application/x-www-form-urlencoded` body.
///
/// Checks `FormFields(urlEncoded:)` against an independent decoder (same answer,
/// same pairs), then re-encodes what it decoded and expects the same fields back.
/// The same bytes as a query string go through `Request.queryItems`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    let fields = FormFields(urlEncoded: bytes)
    let expected = referenceDecode(bytes)
    check((fields == nil) == (expected == nil), "accepts/rejects differently from the reference decoder")
    if let fields, let expected {
        check(fields == FormFields(expected), "decodes differently from the reference decoder")
        checkLookups(fields)
        check(FormFields(urlEncoded: encode(fields)) == fields, "re-encoded fields decode differently")
    }
    let query = String(decoding: bytes, as: UTF8.self)
    let items = Request(query: query).queryItems
    if let direct = FormFields(urlEncoded: Array(query.utf8)) {
        check(items == direct, "queryItems differs from FormFields")
    } else {
        check(items.pairs.isEmpty, "a broken query string must yield no items")
    }
    return 0
}

/// `subscript` is the first value under a name and `values` all of them, in order.
func checkLookups(_ fields: FormFields) {
    for name in ["csrf_token", "username", "password", "next"] + fields.pairs.prefix(4).map(\.name) {
        let all = fields.values(name)
        check(fields[name] == all.first, "subscript is not the first value")
        check(all.count == fields.pairs.filter { $0.name == name }.count, "values() misses pairs")
    }
    for pair in fields.pairs {
        check(!pair.name.utf8.contains(0) && !pair.value.utf8.contains(0), "NUL let through")
    }
}

/// Percent-encodes every byte outside `A-Za-z0-9-._~`, so the text round-trips.
func encode(_ fields: FormFields) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for (index, pair) in fields.pairs.enumerated() {
        if index > 0 { out.append(UInt8(ascii: "&")) }
        for (part, text) in [pair.name, pair.value].enumerated() {
            if part == 1 { out.append(UInt8(ascii: "=")) }
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                     UInt8(ascii: "_"), UInt8(ascii: "~"):
                    out.append(byte)
                default:
                    out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                }
            }
        }
    }
    return out
}

/// A deliberately plain decoder written from the WHATWG rules plus Gatehouse's
/// refusals (broken `%`, NUL, invalid UTF-8): the oracle `FormFields` must match.
func referenceDecode(_ bytes: [UInt8]) -> [(String, String)]? {
    var pairs: [(String, String)] = []
    var piece: [UInt8] = []
    for byte in bytes + [UInt8(ascii: "&")] {
        guard byte == UInt8(ascii: "&") else { piece.append(byte); continue }
        defer { piece = [] }
        if piece.isEmpty { continue }
        let eq = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.count
        guard let name = unescape(Array(piece[..<eq])),
              let value = unescape(eq < piece.count ? Array(piece[(eq + 1)...]) : [])
        else { return nil }
        pairs.append((name, value))
    }
    return pairs
}

/// One component: `+` is a space, `%XX` a byte; `nil` on anything a browser never sends.
func unescape(_ bytes: [UInt8]) -> String? {
    var out: [UInt8] = []
    var rest = bytes[...]
    while let byte = rest.popFirst() {
        if byte == UInt8(ascii: "+") {
            out.append(UInt8(ascii: " "))
        } else if byte == UInt8(ascii: "%") {
            guard rest.count >= 2,
                  let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16),
                  rest.prefix(2).allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
            else { return nil }
            out.append(value)
            rest = rest.dropFirst(2)
        } else {
            out.append(byte)
        }
    }
    if out.contains(0) { return nil }
    return String(validating: out, as: UTF8.self)
}
