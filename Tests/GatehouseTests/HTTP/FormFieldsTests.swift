@testable import Gatehouse
import Testing

@Suite("URL-encoded form parsing")
struct FormFieldsTests {
    private func parse(_ text: String) -> FormFields? {
        FormFields(urlEncoded: Array(text.utf8))
    }

    @Test("Fields are percent-decoded, plus is a space")
    func decoding() throws {
        let fields = try #require(parse("username=ann+lee&password=p%40ss%26word&next=%2Fadmin%3Fx%3D1"))
        #expect(fields["username"] == "ann lee")
        #expect(fields["password"] == "p@ss&word")
        #expect(fields["next"] == "/admin?x=1")
    }

    @Test("Empty values, missing '=' and repeated names")
    func shapes() throws {
        let fields = try #require(parse("a=&b&scope=x&scope=y&&"))
        #expect(fields["a"] == "")
        #expect(fields["b"] == "")
        #expect(fields.values("scope") == ["x", "y"])
        #expect(fields["missing"] == nil)
    }

    @Test("Multi-byte UTF-8 survives")
    func unicode() throws {
        #expect(try #require(parse("name=J%C3%BCrgen%20%E2%9C%93"))["name"] == "Jürgen ✓")
    }

    @Test("Broken escapes, invalid UTF-8 and NUL are refused", arguments: [
        "a=%", "a=%4", "a=%zz", "a=%G0", "a=%C3", "a=%FF%FE", "a=%00", "%=1", "a=ok&b=%E2%82",
    ])
    func refused(text: String) {
        #expect(parse(text) == nil)
    }
}
