import Glibc

/// One HTTP request as the web server handed it over, in Swift types only.
///
/// Built from FastCGI params (or CGI environment variables) by `Request.init(params:body:)`;
/// tests build it directly.
public struct Request: Sendable {
    /// The request method, upper case (`GET`, `POST`, ...).
    public var method: String
    /// The decoded-free path part of the request URI, without the query.
    public var path: String
    /// The raw query string, without the `?`.
    public var query: String
    /// Request headers keyed by lower-case name (`cookie`, `user-agent`, ...).
    public var headers: HTTPHeaders
    /// The peer address nginx saw (`REMOTE_ADDR`).
    public var remoteAddress: String
    /// Whether the client connection was TLS (`HTTPS=on`).
    public var isHTTPS: Bool
    /// The port the web server took the request on (`SERVER_PORT`), when it said.
    public var serverPort: Int?
    /// The request body, at most `Request.maxBodySize` bytes.
    public var body: [UInt8]
    /// The declared body length, which may exceed what was read.
    public var contentLength: Int

    /// The largest body Gatehouse reads; a larger declared body is answered 413 unread.
    public static let maxBodySize = 64 * 1024

    /// Creates a request; every field has a neutral default so tests name only what they need.
    public init(
        method: String = "GET", path: String = "/", query: String = "",
        headers: HTTPHeaders = [:], remoteAddress: String = "127.0.0.1",
        isHTTPS: Bool = false, serverPort: Int? = nil, body: [UInt8] = [], contentLength: Int? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.isHTTPS = isHTTPS
        self.serverPort = serverPort
        self.body = body
        self.contentLength = contentLength ?? body.count
    }

    /// The `Content-Type` header without parameters, lower-cased (`application/x-www-form-urlencoded`).
    public var mediaType: String {
        guard let value = headers["content-type"] else { return "" }
        let type = value.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first
        return Substring(type ?? value.utf8[...]).trimmingSpaces().lowercased()
    }

    /// The path followed by `?query` when there is one: what `next` should bring the user back to.
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + query
    }

    /// The query string's fields, percent-decoded.
    public var queryItems: FormFields {
        FormFields(urlEncoded: Array(query.utf8)) ?? FormFields()
    }
}

extension Request {
    /// Maps FastCGI/CGI parameters to a request.
    ///
    /// - Parameters:
    ///   - params: the `NAME=value` parameters nginx sends (`REQUEST_METHOD`, `HTTP_COOKIE`, ...).
    ///   - body: the bytes read from the request body (bounded by the caller).
    public init(params: [String: String], body: [UInt8]) {
        var mapper = RequestParams()
        for (name, value) in params {
            var name = name, value = value
            name.withUTF8 { name in value.withUTF8 { value in mapper.add(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value)) } }
        }
        self = mapper.request
        self.body = body
        if mapper.declaredLength == nil { contentLength = body.count }
    }
}

/// Builds a `Request` from FastCGI/CGI params one pair at a time, on their bytes: only
/// the params Gatehouse reads become Swift strings, and the hot path never builds a
/// dictionary of all thirty-odd params nginx sends.
struct RequestParams {
    /// The request so far; its body is empty and `contentLength` the declared one.
    private(set) var request = Request()
    /// `CONTENT_LENGTH` when it was sent and is a number.
    private(set) var declaredLength: Int?
    /// Whether `REQUEST_URI` was seen: it wins over `DOCUMENT_URI` in any order.
    private var sawRequestURI = false

    /// Takes one param; a later duplicate wins, as in a dictionary.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        if name.count > 5, Self.equal(UnsafeRawBufferPointer(rebasing: name[..<5]), "HTTP_") {
            request.headers[Self.headerName(fromParam: name)] = String(decoding: value, as: UTF8.self)
            return
        }
        switch name.count {
        case 5 where Self.equal(name, "HTTPS"):
            request.isHTTPS = Self.equal(value, "1") || String(decoding: value, as: UTF8.self).lowercased() == "on"
        case 11 where Self.equal(name, "REMOTE_ADDR"):
            request.remoteAddress = String(decoding: value, as: UTF8.self)
        case 11 where Self.equal(name, "SERVER_PORT"):
            request.serverPort = Int(String(decoding: value, as: UTF8.self))
        case 11 where Self.equal(name, "REQUEST_URI"):
            sawRequestURI = true
            setPath(uri: value)
        case 12 where Self.equal(name, "DOCUMENT_URI"):
            if !sawRequestURI { setPath(uri: value) }
        case 12 where Self.equal(name, "QUERY_STRING"):
            request.query = String(decoding: value, as: UTF8.self)
        case 12 where Self.equal(name, "CONTENT_TYPE"):
            if !value.isEmpty { request.headers["content-type"] = String(decoding: value, as: UTF8.self) }
        case 14 where Self.equal(name, "REQUEST_METHOD"):
            request.method = String(decoding: value, as: UTF8.self).uppercased()
        case 14 where Self.equal(name, "CONTENT_LENGTH"):
            declaredLength = Int(String(decoding: value, as: UTF8.self))
            request.contentLength = declaredLength ?? 0
        default:
            break
        }
    }

    /// Whether `bytes` spell `name` (a memcmp: generic collection comparison costs more
    /// than all the rest of mapping a param).
    private static func equal(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        bytes.count == name.utf8CodeUnitCount && memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
    }

    /// The path is the URI up to the first `?` byte (bytes, not Characters: a combining
    /// character after the path must not hide the `?`).
    private mutating func setPath(uri: UnsafeRawBufferPointer) {
        let path = uri[..<(uri.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex)]
        request.path = path.isEmpty ? "/" : String(decoding: path, as: UTF8.self)
    }

    /// `HTTP_USER_AGENT` → `user-agent`.
    static func headerName(fromParam name: UnsafeRawBufferPointer) -> String {
        let bytes = name.dropFirst(5)
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            for (index, byte) in bytes.enumerated() {
                switch byte {
                case UInt8(ascii: "_"): out[index] = UInt8(ascii: "-")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): out[index] = byte + 32
                default: out[index] = byte
                }
            }
            return bytes.count
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (no Foundation on the hot path).
    func trimmingSpaces() -> String {
        // On bytes, not Characters: a combining mark after a space makes one Character.
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let bytes = Array(utf8)
        guard let start = bytes.firstIndex(where: { !isBlank($0) }) else { return "" }
        let end = bytes.lastIndex(where: { !isBlank($0) })!
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
