import FuzzSupport
import Gatehouse

/// Runs libFuzzer on `fuzzTemplate`.
@main
enum FuzzTemplateMain {
    static func main() { runLibFuzzer(fuzzTemplate) }
}

/// libFuzzer entry point: the input is the Mustache source of a template named `page`.
///
/// Parses it alone with `Template(source:name:)` (errors must name `page` and a line
/// inside it), then as part of a `TemplateLibrary` beside a small layout and partial it
/// may include or extend (and it may include itself), and renders it twice with a
/// fixed view model: the output must be valid UTF-8 and the same both times.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let source = String(decoding: inputBytes(data, size), as: UTF8.self)
    do {
        _ = try Template(source: source, name: "page")
    } catch {
        let lines = source.utf8.count { $0 == UInt8(ascii: "\n") } + 1
        check(error.file == "page" && (1...lines).contains(error.line), "error outside the template: \(error)")
        return 0
    }
    var sources = fixedTemplates
    sources["page"] = source
    let library: TemplateLibrary
    do {
        library = try TemplateLibrary(sources: sources)
    } catch {
        fatalError("a template that parses alone fails in a library: \(error)")
    }
    var first: [UInt8] = []
    library.render("page", model, into: &first)
    check(String(validating: first, as: UTF8.self) != nil, "rendered invalid UTF-8")
    var second: [UInt8] = []
    library.render("page", model, into: &second)
    check(first == second, "rendering is not deterministic")
    _ = library.render("page", .null)
    return 0
}

/// Templates the fuzzed page can reach by name, shaped like `templates/layout.html`.
let fixedTemplates: [String: String] = [
    "layout": """
        <title>{{$title}}Gatehouse{{/title}}</title>
        {{#user}}
          <a href="/account">{{username}}</a>{{#is_admin}} admin{{/is_admin}}
        {{/user}}
        {{^user}}<a href="/auth">Sign in</a>{{/user}}
        {{#flash}}<div class="is-{{kind}}">{{text}}</div>{{/flash}}
          {{$content}}{{/content}}

        """,
    "item": "<li>{{.}}</li>\n",
]

/// The root context: every kind of value, strings that need escaping, and lists of at
/// most one element (longer lists make nested sections exponential by design).
let model: TemplateValue = [
    "user": ["username": "<ada&\"'>", "first_name": "Ada", "is_admin": true, "is_super": false,
             "scopes": ["authenticated"]],
    "csrf_token": "k3Jx-_0aB", "next": "/account?a=1&b=<2>", "error": "Wrong username or password.",
    "flash": [["kind": "info", "text": "Saved \u{1F510}"]],
    "none": .null, "empty": "", "nothing": [], "zero": 0, "ratio": 0.5, "huge": 1e300,
    "nested": ["a": ["b": ["c": "deep"]]],
]
