@testable import Gatehouse
import Testing

@Suite("FastCGI params to request")
struct RequestTests {
    @Test("Params map to method, path, query, headers, address and HTTPS")
    func mapping() {
        let request = Request(params: [
            "REQUEST_METHOD": "post",
            "REQUEST_URI": "/auth?next=%2F",
            "QUERY_STRING": "next=%2F",
            "HTTP_COOKIE": "session=x",
            "HTTP_USER_AGENT": "curl/8",
            "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=UTF-8",
            "CONTENT_LENGTH": "3",
            "REMOTE_ADDR": "192.0.2.7",
            "HTTPS": "on",
        ], body: Array("a=1".utf8))
        #expect(request.method == "POST")
        #expect(request.path == "/auth")
        #expect(request.query == "next=%2F")
        #expect(request.queryItems["next"] == "/")
        #expect(request.headers["cookie"] == "session=x")
        #expect(request.headers["user-agent"] == "curl/8")
        #expect(request.mediaType == "application/x-www-form-urlencoded")
        #expect(request.remoteAddress == "192.0.2.7")
        #expect(request.isHTTPS)
        #expect(request.contentLength == 3)
        #expect(request.pathAndQuery == "/auth?next=%2F")
    }

    @Test("REQUEST_URI wins over DOCUMENT_URI in either order; a later duplicate param wins")
    func paramOrder() {
        func request(_ pairs: [(String, String)]) -> Request {
            var params = RequestParams()
            for (name, value) in pairs {
                var name = name, value = value
                name.withUTF8 { name in value.withUTF8 { value in params.add(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value)) } }
            }
            return params.request
        }
        #expect(request([("DOCUMENT_URI", "/index"), ("REQUEST_URI", "/real?x=1")]).path == "/real")
        #expect(request([("REQUEST_URI", "/real?x=1"), ("DOCUMENT_URI", "/index")]).path == "/real")
        #expect(request([("DOCUMENT_URI", "/only")]).path == "/only")
        #expect(request([("HTTP_COOKIE", "a=1"), ("HTTP_COOKIE", "b=2")]).headers["cookie"] == "b=2")
        #expect(request([("HTTP_X_FORWARDED_FOR", "1.2.3.4")]).headers["x-forwarded-for"] == "1.2.3.4")
        #expect(request([("HTTPS", "ON")]).isHTTPS)
        #expect(!request([("HTTPS", "off")]).isHTTPS)
        #expect(request([("CONTENT_LENGTH", "12")]).contentLength == 12)
        #expect(Request(params: ["CONTENT_LENGTH": "twelve"], body: [1, 2]).contentLength == 2)
    }

    @Test("Missing params give neutral values")
    func defaults() {
        let request = Request(params: [:], body: [])
        #expect(request.method == "GET")
        #expect(request.path == "/")
        #expect(!request.isHTTPS)
        #expect(request.contentLength == 0)
    }
}

@Suite("Byte-level splitting of hostile header values (found by fuzzing)")
struct ByteSplittingTests {
    @Test("A prepend character before ? does not hide the query")
    func pathQuery() {
        let request = Request(params: ["REQUEST_URI": "/auth\u{0600}?next=/x", "QUERY_STRING": "next=/x"], body: [])
        #expect(request.path == "/auth\u{0600}")
    }

    @Test("Media type is trimmed and cut on bytes")
    func mediaType() {
        #expect(Request(headers: ["content-type": " \u{0301}x"]).mediaType == "\u{0301}x")
        #expect(Request(headers: ["content-type": "a\u{0600};b"]).mediaType == "a\u{0600}")
    }

    @Test("A hostile X-Forwarded-For hop cannot swallow the proxy's own entry")
    func forwardedFor() {
        let trusted = [AddressRange("10.0.0.1")!]
        let resolved = ClientAddress.resolve(remote: "10.0.0.1", forwardedFor: "1.2.3.4\u{0600}, 203.0.113.7", trusted: trusted)
        #expect(resolved == "203.0.113.7")
    }
}
