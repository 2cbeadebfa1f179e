@testable import Gatehouse
import Testing

@Suite("Template objects")
struct TemplateObjectTests {
    @Test("A name set again replaces its value in place; nil removes it")
    func setAndRemove() {
        var object: TemplateObject = ["a": 1, "b": "two"]
        object["a"] = 3
        object["c"] = true
        #expect(object["a"] == 3)
        #expect(object.count == 3)
        object["b"] = nil
        #expect(object["b"] == nil)
        #expect(object == ["c": true, "a": 3])
    }

    @Test("A literal with a repeated name keeps the last value, as the renderer sees it")
    func repeatedLiteralName() throws {
        let value: TemplateValue = ["name": "first", "name": "last"]
        #expect(value["name"] == "last")
        let library = try TemplateLibrary(sources: ["page": "{{name}}"])
        #expect(library.render("page", value) == "last")
    }

    @Test("Equality ignores order but not values or extra names")
    func equality() {
        #expect(TemplateObject(["x": 1, "y": 2]) == ["y": 2, "x": 1])
        #expect(TemplateObject(["x": 1]) != ["x": 2])
        #expect(TemplateObject(["x": 1]) != ["x": 1, "y": 2])
        #expect(TemplateObject() == [:])
    }
}
