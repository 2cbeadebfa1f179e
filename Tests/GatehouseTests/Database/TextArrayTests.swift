@testable import Gatehouse
import Testing

@Suite("text[] parameters")
struct TextArrayTests {
    @Test("Every element is quoted whole, quotes and backslashes escaped", arguments: [
        ([], "{}"),
        (["authenticated", "admin"], #"{"authenticated","admin"}"#),
        (["x\",\"super"], #"{"x\",\"super"}"#),
        (["a,b", "{c}", "NULL", "", "back\\slash", "ünï"], #"{"a,b","{c}","NULL","","back\\slash","ünï"}"#),
    ])
    func literal(elements: [String], expected: String) {
        #expect(TextArray.literal(elements) == expected)
    }
}
