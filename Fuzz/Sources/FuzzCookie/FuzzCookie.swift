import FuzzSupport
import Gatehouse

/// Runs libFuzzer on `fuzzCookie`.
@main
enum FuzzCookieMain {
    static func main() { runLibFuzzer(fuzzCookie) }
}

/// libFuzzer entry point: the input is a `Cookie:` header as nginx would pass it.
///
/// Runs the path `Application.respond` takes before any database work:
/// `CookieHeader` → `uniqueValue(named: "session")` → `SessionToken(cookieValue:)`,
/// and checks what callers rely on. Every broken invariant traps, which libFuzzer
/// reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCookie(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    // libfcgi hands params over as C strings, which `String(cString:)` repairs the same way.
    let header = String(decoding: bytes, as: UTF8.self)
    checkHeader(header)
    checkToken(bytes)
    return 0
}

/// Parses `header` and checks the pairs and the session token drawn from it.
func checkHeader(_ header: String) {
    let cookies = CookieHeader(header)
    if header.utf8.count > CookieHeader.maxLength {
        check(cookies.pairs.isEmpty, "oversize header must yield no cookies")
    }
    for pair in cookies.pairs {
        check(!pair.name.isEmpty, "empty cookie name")
        check(!pair.name.utf8.contains(UInt8(ascii: ";")) && !pair.value.utf8.contains(UInt8(ascii: ";")),
              "a pair spans a ';'")
        check(!pair.name.utf8.contains(UInt8(ascii: "=")), "a name holds '='")
        let edges = [pair.name.utf8.first, pair.name.utf8.last]
        check(!edges.contains(UInt8(ascii: " ")) && !edges.contains(UInt8(ascii: "\t")), "name not trimmed")
    }
    let sessions = cookies.values(named: "session")
    let unique = cookies.uniqueValue(named: "session")
    check((sessions.count == 1) == (unique != nil), "uniqueValue disagrees with values")
    if let value = unique, let token = SessionToken(cookieValue: value) {
        checkValidToken(token, text: value)
    }
}

/// Checks that a token accepted from cookie text is exactly the 43-symbol form.
func checkValidToken(_ token: SessionToken, text: String) {
    check(token.text == text, "token text differs from the cookie value")
    check(text.utf8.count == SessionToken.textLength, "token of wrong length accepted")
    check(text.utf8.allSatisfy(base64URLSymbols.contains), "token outside base64url accepted")
    let key = token.storageKey
    check(key.utf8.count == 64 && key.utf8.allSatisfy(lowerHexDigits.contains),
          "storage key is not 64 lowercase hex digits")
    check(!token.description.contains(text), "description leaks the token")
}

/// The 64 symbols a token may hold.
let base64URLSymbols = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
/// The digits of a storage key.
let lowerHexDigits = Set("0123456789abcdef".utf8)

/// Treats the raw bytes as cookie-value text and as token bytes.
///
/// The bytes' base64url encoding must always be accepted when there are exactly 32 of
/// them, and any text `SessionToken` accepts must satisfy `checkValidToken`.
func checkToken(_ bytes: [UInt8]) {
    let encoded = Base64URL.encode(bytes)
    check(encoded.utf8.count == Base64URL.encodedLength(bytes.count), "encodedLength disagrees")
    let token = SessionToken(cookieValue: encoded)
    check((token != nil) == (bytes.count == SessionToken.byteCount), "own encoding rejected or wrong size accepted")
    let text = String(decoding: bytes, as: UTF8.self)
    if let token = SessionToken(cookieValue: text) {
        checkValidToken(token, text: text)
    }
}
