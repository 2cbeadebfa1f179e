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

    @Test("Missing params give neutral values")
    func defaults() {
        let request = Request(params: [:], body: [])
        #expect(request.method == "GET")
        #expect(request.path == "/")
        #expect(!request.isHTTPS)
        #expect(request.contentLength == 0)
    }
}
