import Foundation
import Gatehouse
import Testing

/// Syntax errors, escaping, value formatting and the directory loader.
///
/// Where errors point: an unclosed section is reported at the line of its
/// *opening* tag (that is where the fix goes); a mismatched or unexpected closing
/// tag at the line of that closing tag; an unclosed tag at the line where the tag
/// starts.
@Suite("Template parser")
struct TemplateParserTests {
    private func parseError(_ source: String, name: String = "page.html") -> TemplateError? {
        #expect(throws: TemplateError.self) { try Template(source: source, name: name) }
    }

    @Test("unclosed section names the file and the line it was opened on")
    func unclosedSection() {
        let error = parseError("<h1>{{title}}</h1>\n<ul>\n{{#items}}\n<li>{{name}}</li>\n</ul>\n")
        #expect(error?.file == "page.html")
        #expect(error?.line == 3)
        #expect(error?.message.contains("{{#items}}") == true)
        #expect(error?.description.hasPrefix("page.html:3: ") == true)
    }

    @Test("mismatched closing tag is reported where it is")
    func mismatchedClose() {
        let error = parseError("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("expected {{/b}}") == true)
        #expect(error?.message.contains("line 2") == true)
    }

    @Test("closing tag with nothing open")
    func unexpectedClose() {
        #expect(parseError("ok\n{{/a}}")?.line == 2)
    }

    @Test("unclosed tag is reported at the line where it starts")
    func unclosedTag() {
        let error = parseError("one\ntwo {{name\nthree\n")
        #expect(error?.line == 2)
        #expect(error?.message.contains("unclosed tag") == true)
        #expect(parseError("{{{raw}}\n")?.line == 1)
    }

    @Test("bad set-delimiter tags and tag names are errors")
    func badTags() {
        #expect(parseError("a\n{{=<% %> x=}}")?.line == 2)
        #expect(parseError("{{=<%=}}")?.line == 1)
        #expect(parseError("x\ny\n{{#}}{{/}}")?.line == 3)
        #expect(parseError("{{a b}}")?.line == 1)
        #expect(parseError("{{a..b}}")?.line == 1)
    }

    @Test("line numbers count lines inside multi-line comments")
    func linesAfterComment() {
        #expect(parseError("{{!\n\n\n}}\n{{/x}}")?.line == 5)
    }

    @Test("library errors name the failing template")
    func librarySourcesError() {
        #expect(throws: TemplateError(file: "bad", line: 1, message: "unclosed {{#x}}: no {{/x}} before the end of the template")) {
            try TemplateLibrary(sources: ["good": "fine", "bad": "{{#x}}"])
        }
    }

    @Test("all five HTML-special characters are escaped")
    func escaping() throws {
        let library = try TemplateLibrary(sources: ["t": "{{v}}|{{{v}}}|{{&v}}"])
        let output = library.render("t", ["v": "<a href=\"x\">Tom & Jerry's</a>"])
        #expect(output == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;|<a href=\"x\">Tom & Jerry's</a>|<a href=\"x\">Tom & Jerry's</a>")
    }

    @Test("escaping keeps multi-byte characters intact")
    func escapingUnicode() throws {
        let library = try TemplateLibrary(sources: ["t": "{{v}}"])
        #expect(library.render("t", ["v": "Zoë <3 日本 🎉"]) == "Zoë &lt;3 日本 🎉")
    }

    @Test("numbers and booleans interpolate as text")
    func scalars() throws {
        let library = try TemplateLibrary(sources: ["t": "{{i}} {{n}} {{d}} {{w}} {{b}} {{z}}[{{l}}{{o}}]"])
        let output = library.render("t", ["i": 42, "n": -7, "d": 1.21, "w": 2.0, "b": true, "z": .null, "l": [1], "o": ["k": 1]])
        #expect(output == "42 -7 1.21 2 true []")
    }

    @Test("falsey: null, false, empty string, empty list; numbers are truthy")
    func truthiness() throws {
        let library = try TemplateLibrary(sources: ["t": "{{#v}}yes{{/v}}{{^v}}no{{/v}}"])
        #expect(library.render("t", ["v": ""]) == "no")
        #expect(library.render("t", ["v": .null]) == "no")
        #expect(library.render("t", ["v": []]) == "no")
        #expect(library.render("t", ["v": 0]) == "yes")
        #expect(library.render("t", ["v": "x"]) == "yes")
    }

    @Test("rendering into a buffer appends")
    func renderIntoBuffer() throws {
        let library = try TemplateLibrary(sources: ["t": "<p>{{x}}</p>"])
        var buffer = Array("HTTP/1.1 200 OK\r\n\r\n".utf8)
        library.render("t", ["x": "é"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "HTTP/1.1 200 OK\r\n\r\n<p>é</p>")
        let count = buffer.count
        library.render("missing", ["x": 1], into: &buffer)
        #expect(buffer.count == count)
    }

    @Test("a missing partial renders as empty; endless recursion stops")
    func partialEdges() throws {
        let library = try TemplateLibrary(sources: ["t": "[{{>nope}}]", "loop": "x{{>loop}}"])
        #expect(library.render("t", [:]) == "[]")
        #expect(library.render("loop", [:]) == String(repeating: "x", count: 101))
    }

    @Test("a page's block does not leak into a same-named block of an included partial")
    func blockScope() throws {
        let library = try TemplateLibrary(sources: [
            "layout": "<main>{{$content}}{{/content}}</main>",
            "card": "<div>{{$content}}empty{{/content}}</div>",
            "page": "{{<layout}}{{$content}}{{<card}}{{$content}}card body{{/content}}{{/card}}{{/content}}{{/layout}}",
        ])
        #expect(library.render("page", [:]) == "<main><div>card body</div></main>")
    }

    @Test("standalone partials and layout blocks re-indent what they include")
    func reindentation() throws {
        let library = try TemplateLibrary(sources: [
            "list": "<ul>\n{{#items}}\n  <li>{{.}}</li>\n{{/items}}\n</ul>\n",
            "page": "<div>\n  {{>list}}\n</div>\n",
            "layout": "<title>{{$title}}Gatehouse{{/title}}</title>\n<main>\n  {{$content}}\n  {{/content}}\n</main>\n",
            "login": "{{<layout}}\n{{$title}}Sign in{{/title}}\n{{$content}}\n<form>\n  {{#error}}\n  <p>{{error}}</p>\n  {{/error}}\n</form>\n{{/content}}\n{{/layout}}\n",
        ])
        #expect(library.render("page", ["items": ["a", "b"]]) == "<div>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n  </ul>\n</div>\n")
        #expect(library.render("login", ["error": "No"]) == "<title>Sign in</title>\n<main>\n  <form>\n    <p>No</p>\n  </form>\n</main>\n")
        #expect(library.render("layout", [:]) == "<title>Gatehouse</title>\n<main>\n</main>\n")
    }

    @Test("the directory loader reads *.html files with partials and layout inheritance")
    func directoryLoad() throws {
        let directory = try TemporaryDirectory()
        try directory.write("layout.html", "<html>\n  <body>\n    {{$content}}\n    {{/content}}\n  </body>\n</html>\n")
        try directory.write("nav.html", "<nav>{{user}}</nav>\n")
        try directory.write(
            "home.html",
            "{{<layout}}\n{{$content}}\n{{>nav}}\n<p>Hello, {{user}}!</p>\n{{/content}}\n{{/layout}}\n")
        try directory.write("notes.txt", "{{#broken")
        let library = try TemplateLibrary(directory: directory.path)
        #expect(library.names == ["home", "layout", "nav"])
        #expect(library.contains("home"))
        #expect(!library.contains("notes"))
        let expected = "<html>\n  <body>\n    <nav>&lt;b&gt;</nav>\n    <p>Hello, &lt;b&gt;!</p>\n  </body>\n</html>\n"
        #expect(library.render("home", ["user": "<b>"]) == expected)
    }

    @Test("a syntax error while loading a directory names the file and line")
    func directorySyntaxError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("fine.html", "ok")
        try directory.write("broken.html", "<p>\n{{#user}}\n</p>\n")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: directory.path) }
        #expect(error?.file == directory.path + "/broken.html")
        #expect(error?.line == 2)
    }

    @Test("a missing directory is an error")
    func missingDirectory() {
        #expect(throws: TemplateError.self) { try TemplateLibrary(directory: "/nonexistent/templates") }
    }
}

/// A fresh directory under the system temporary folder, removed on deinit.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ contents: String) throws {
        try contents.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite("Template rendering budget (found by fuzzing)")
struct TemplateBudgetTests {
    @Test("A page that includes itself twice renders in bounded work")
    func selfInclusion() throws {
        let library = try TemplateLibrary(sources: ["page": "x{{>page}}{{>page}}"])
        let output = library.render("page", .object([:]))
        #expect(output.count <= 10_001)  // one "x" per expansion, at most 10000 of them
        #expect(output.hasPrefix("xx"))
    }
}
