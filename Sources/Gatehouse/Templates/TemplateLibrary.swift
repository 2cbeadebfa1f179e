/// The templates of an application, parsed once at start-up and shared by all
/// worker threads.
///
/// Templates refer to each other by name (`{{>nav}}`, `{{<layout}}`); each
/// template is compiled here with the partials and parents it names expanded in
/// place (see `TemplateCompiler`), and a missing partial renders as nothing.
public struct TemplateLibrary: Sendable {
    let templates: [String: Template]
    private let programs: [String: TemplateProgram]

    /// Wraps already-parsed templates, keyed by the name partials use.
    public init(templates: [String: Template]) {
        self.templates = templates
        var programs: [String: TemplateProgram] = [:]
        for name in templates.keys {
            programs[name] = TemplateCompiler.compile(page: name, templates: templates)
        }
        self.programs = programs
    }

    /// Parses each source, keyed by template name (also the `file` in errors).
    /// - Throws: the syntax error of the first template, by name, that has one.
    public init(sources: [String: String]) throws(TemplateError) {
        var templates: [String: Template] = [:]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            templates[name] = try Template(source: source, name: name)
        }
        self.init(templates: templates)
    }

    /// The template names, sorted.
    public var names: [String] { templates.keys.sorted() }

    /// Whether a template called `name` exists.
    public func contains(_ name: String) -> Bool {
        templates[name] != nil
    }

    /// Renders template `name` with `value` as the root context; empty if there is
    /// no such template.
    public func render(_ name: String, _ value: TemplateValue) -> String {
        var buffer: [UInt8] = []
        render(name, value, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Renders template `name` with `value` as the root context, appending UTF-8
    /// bytes to `buffer` (the response body on the request path).
    public func render(_ name: String, _ value: TemplateValue, into buffer: inout [UInt8]) {
        guard let program = programs[name] else { return }
        // Room for all of the page's literal text and some values: one allocation
        // for most renders.
        var output = TemplateOutput(capacity: program.text.count + 1024)
        var renderer = TemplateRenderer(templates: templates, root: value)
        renderer.run(program, into: &output)
        output.copy(to: &buffer)
    }
}
