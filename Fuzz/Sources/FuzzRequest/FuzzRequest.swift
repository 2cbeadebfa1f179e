import FuzzSupport
import Gatehouse

/// Runs libFuzzer on `fuzzRequest`.
@main
enum FuzzRequestMain {
    static func main() { runLibFuzzer(fuzzRequest) }
}

/// libFuzzer entry point: the input is FastCGI params as `NAME\0VALUE\0` pairs; bytes
/// after the last NUL are the request body.
///
/// Maps them with `Request(params:body:)` and walks the accessors and parsers the
/// pipeline runs before any handler or database: cookie → session token, media type,
/// path and query, query items, form body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let (params, body) = decodeParams(inputBytes(data, size))
    let request = Request(params: params, body: body)
    checkMapping(request, params: params, body: body)
    checkAccessors(request)
    let token = CookieHeader(request.headers["cookie"]).uniqueValue(named: "session").flatMap(SessionToken.init(cookieValue:))
    if let token { check(token.text.utf8.count == SessionToken.textLength, "bad token accepted") }
    if request.mediaType == "application/x-www-form-urlencoded" {
        _ = FormFields(urlEncoded: request.body)?["csrf_token"]
    }
    return 0
}

/// Splits the input into params the way `FastCGIRequest.forEachParam` sees them: each pair
/// joined as `NAME=VALUE`, read as a C string (invalid UTF-8 repaired), split at the first
/// `=`; a later duplicate name wins. An unpaired last name gets an empty value.
func decodeParams(_ bytes: [UInt8]) -> (params: [String: String], body: [UInt8]) {
    var fields = bytes.split(separator: 0, omittingEmptySubsequences: false)
    let body = Array(fields.removeLast())
    var params: [String: String] = [:]
    var index = 0
    while index < fields.count {
        let value = index + 1 < fields.count ? fields[index + 1] : []
        let entry = String(decoding: Array(fields[index]) + [UInt8(ascii: "=")] + Array(value), as: UTF8.self)
        if let eq = entry.utf8.firstIndex(of: UInt8(ascii: "=")) {
            params[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        index += 2
    }
    return (params, body)
}

/// The fields of `request` follow from `params` as `Request(params:body:)` documents.
func checkMapping(_ request: Request, params: [String: String], body: [UInt8]) {
    check(request.method == request.method.uppercased(), "method not upper case")
    check(!request.path.isEmpty, "empty path")
    check(!request.path.utf8.contains(UInt8(ascii: "?")), "path holds the query: \(request.path.debugDescription)")
    let uri = params["REQUEST_URI"] ?? params["DOCUMENT_URI"] ?? "/"
    check(uri.utf8.starts(with: request.path.utf8) || request.path == "/", "path not taken from the URI")
    check(request.query == params["QUERY_STRING"] ?? "", "query not QUERY_STRING")
    check(request.body == body, "body changed")
    check(request.contentLength == params["CONTENT_LENGTH"].flatMap { Int($0) } ?? body.count, "contentLength")
    // ASCII names only: other bytes become Latin-1 characters, which no lookup uses.
    let headerParams = params.filter { $0.key.hasPrefix("HTTP_") && $0.key.utf8.allSatisfy { $0 < 0x80 } }
    let keys = headerParams.keys.map { ($0, expectedHeaderName($0)) }
    let sources = Dictionary(keys.map { ($0.1, 1) }, uniquingKeysWith: +)
    for (name, key) in keys where key != "content-type" {
        check(request.headers[key] != nil, "header \(name) lost")
        if sources[key] == 1 {
            check(request.headers[key] == headerParams[name], "header \(name) has another value")
        }
    }
    for name in request.headers.keys {
        check(!name.utf8.contains { $0 == UInt8(ascii: "_") || (0x41...0x5A).contains($0) },
              "header name not lower-case with dashes")
    }
}

/// `HTTP_USER_AGENT` → `user-agent`, for ASCII names.
func expectedHeaderName(_ param: String) -> String {
    String(decoding: param.utf8.dropFirst(5).map { byte in
        byte == UInt8(ascii: "_") ? UInt8(ascii: "-") : (0x41...0x5A).contains(byte) ? byte + 32 : byte
    }, as: UTF8.self)
}

/// The derived accessors are consistent with the stored fields.
func checkAccessors(_ request: Request) {
    let type = request.mediaType
    check(type == type.lowercased() && !type.utf8.contains(UInt8(ascii: ";")), "mediaType not bare lower case")
    check(type.utf8.first != UInt8(ascii: " ") && type.utf8.last != UInt8(ascii: " "),
          "mediaType not trimmed: \(type.debugDescription)")
    let target = request.pathAndQuery
    check(target == (request.query.isEmpty ? request.path : request.path + "?" + request.query), "pathAndQuery")
    let items = request.queryItems
    if let direct = FormFields(urlEncoded: Array(request.query.utf8)) {
        check(items == direct, "queryItems differs from FormFields")
    }
}
