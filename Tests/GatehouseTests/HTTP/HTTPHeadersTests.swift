@testable import Gatehouse
import Testing

@Suite("Request headers")
struct HTTPHeadersTests {
    @Test("Lookup by name; setting a present name replaces it; nil removes it")
    func setAndGet() {
        var headers: HTTPHeaders = ["host": "example.org", "cookie": "a=1"]
        #expect(headers["host"] == "example.org")
        #expect(headers["Host"] == nil)  // names are stored lower case by the request mapper
        headers["cookie"] = "b=2"
        #expect(headers["cookie"] == "b=2")
        headers["cookie"] = nil
        #expect(headers["cookie"] == nil)
        #expect(headers == ["host": "example.org"])
        #expect(HTTPHeaders(["x": "1", "y": "2"]) == ["y": "2", "x": "1"])
        #expect(HTTPHeaders(["x": "1"]) != ["x": "2"])
    }
}
