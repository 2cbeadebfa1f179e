@testable import Gatehouse
import Testing

/// The JSON Gatehouse writes (passkey options) and the JSON bodies it reads.
@Suite("JSON values and bodies")
struct JSONValueTests {
    @Test("Strings escape quotes, backslashes, controls and HTML's special characters; members keep their order")
    func writing() {
        let value = JSONValue.object([
            ("b", .string("a\"b\\c\n\u{01}<script>&")), ("a", .array([.int(-7), .bool(true), .bool(false)])),
        ])
        #expect(value.text == #"{"b":"a\"b\\c\n\u0001\u003cscript\u003e\u0026","a":[-7,true,false]}"#)
        #expect(JSONValue.string("ünï 🙂").text == "\"ünï 🙂\"")
    }

    @Test("Bodies: string members and canonical base64url bytes; anything else is no body")
    func reading() throws {
        let body = try #require(JSONBody(Array(#"{"name":"Key \u00e9","id":"AQID","n":5,"bad":"AQI="}"#.utf8)))
        #expect(body.string("name") == "Key é")
        #expect(body.bytes("id") == [1, 2, 3])
        #expect(body.string("n") == nil && body.bytes("bad") == nil && body.string("missing") == nil)
        for text in ["", "[]", "{", #"{"a":1,"a":2}"#, "{} {}", #"{"a":"\ud800"}"#] {
            #expect(JSONBody(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
