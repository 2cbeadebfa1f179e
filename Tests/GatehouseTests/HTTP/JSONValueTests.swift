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
        let credential = try #require(JSONBody(Array(#"{"id":"AQ","response":{"signature":"Ag","x":[1,{}]},"n":{}}"#.utf8)))
        #expect(credential.credentialResponse.bytes("signature") == [2])
        #expect(credential.bytes("id") == [1] && credential.object("n") != nil && credential.object("id") == nil)
        #expect(body.credentialResponse.string("name") == "Key é", "a flat body is its own response")
        let deep = String(repeating: #"{"a":"#, count: 9) + "1" + String(repeating: "}", count: 9)
        for text in ["", "[]", "{", #"{"a":1,"a":2}"#, "{} {}", #"{"a":"\ud800"}"#, #"{"r":{"a":1,"a":2}}"#, deep] {
            #expect(JSONBody(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
