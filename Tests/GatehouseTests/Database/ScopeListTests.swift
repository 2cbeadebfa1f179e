@testable import Gatehouse
import Testing

@Suite("Scope list (users.scope as jsonb text)")
struct ScopeListTests {
    @Test("The strings of an array, in order", arguments: [
        (#"["authenticated", "admin", "super"]"#, ["authenticated", "admin", "super"]),
        (#"["a","b"]"#, ["a", "b"]),
        (" [ \"a\" ,\n\"b\" ] ", ["a", "b"]),
        ("[]", []),
        (#"["with space", "ünï", "\"q\"", "a\\b", "\/"]"#, ["with space", "ünï", "\"q\"", "a\\b", "/"]),
        (#"["\u00e9\t", "\ud83d\ude00"]"#, ["é\t", "😀"]),
        (#"[1, "x", true, null, ["y", "z"], {"k": "v", "n": [1]}, -2.5e3, "w"]"#, ["x", "w"]),
    ])
    func strings(text: String, expected: [String]) {
        #expect(ScopeList.scopes(json: text) == expected)
    }

    @Test("Anything but one well-formed array is no scopes", arguments: [
        "", "null", "\"admin\"", #"{"admin": true}"#, "[\"admin\"", "[\"admin\"]x", "[\"adm", #"["\q"]"#,
        #"["\ud83d"]"#, "[1}", "[\"a\" \"b\"]",
    ])
    func malformed(text: String) {
        #expect(ScopeList.scopes(json: text).isEmpty)
    }

}
