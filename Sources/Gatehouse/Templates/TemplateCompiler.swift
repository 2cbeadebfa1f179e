/// Compiles a template tree into a `TemplateProgram`, expanding partials, parents
/// and blocks in place.
///
/// Expansion follows the spec's rules: a standalone partial or block indents every
/// line it brings in, an inline one inserts it as is; a parent's argument blocks
/// fill the same-named slots of the templates it expands. A partial nested
/// `maximumDepth` deep, or a missing one, renders as nothing. Includes that cannot
/// be expanded up front, a template including itself (directly or not) or any
/// include once the program has grown past its budget, become `deferred`
/// instructions, compiled when a render reaches them.
struct TemplateCompiler {
    /// Partials and parents nested deeper than this render as empty, so a partial
    /// that recurses without end cannot exhaust a worker thread's stack.
    static let maximumDepth = 100
    /// Past this many instructions or text bytes a program stops inlining: a page
    /// that includes a partial that includes another twice, and so on, would
    /// otherwise grow exponentially. The pages in `templates/` need at most about a
    /// hundred instructions and 7 KB of text each.
    static let instructionBudget = 2_000
    static let textBudget = 1 << 18

    private let templates: [String: Template]
    /// Whether includes may be inlined at all.
    private let expandsIncludes: Bool
    private var program = TemplateProgram()
    /// Where the text not yet covered by a `text` instruction starts.
    private var pendingText = 0
    /// The templates being inlined, outermost first: including one of them again
    /// is recursion, which is deferred.
    private var inlining: [String]
    /// The deferred includes so far by what they compile to, so that the same
    /// partial under the same scope (`x{{>page}}{{>page}}`) is one entry, compiled
    /// once per render.
    private var deferredIndices: [DeferredKey: Int] = [:]

    private struct DeferredKey: Hashable {
        let name: String
        let indentation: [UInt8]
        let overrides: ObjectIdentifier
        let depth: Int
    }

    /// Compiles template `name` as a page, its includes expanded within the budgets.
    static func compile(page name: String, templates: [String: Template]) -> TemplateProgram {
        guard let template = templates[name] else { return TemplateProgram() }
        var compiler = TemplateCompiler(templates: templates, expandsIncludes: true, inlining: [name])
        compiler.compile(template.nodes[...], in: ExpansionScope())
        compiler.closeText()
        return compiler.program
    }

    /// Compiles a deferred include on its own, at render time. Its includes stay
    /// deferred in turn, so a render pays for each template it reaches about what
    /// walking the tree would cost, however the templates nest.
    static func compile(_ include: TemplateProgram.DeferredInclude, templates: [String: Template]) -> TemplateProgram {
        var compiler = TemplateCompiler(templates: templates, expandsIncludes: false, inlining: [include.name])
        compiler.compile(include.nodes[...], in: include.scope)
        compiler.closeText()
        return compiler.program
    }

    private init(templates: [String: Template], expandsIncludes: Bool, inlining: [String]) {
        self.templates = templates
        self.expandsIncludes = expandsIncludes
        self.inlining = inlining
    }

    private mutating func compile(_ nodes: ArraySlice<TemplateNode>, in scope: ExpansionScope) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                program.text.append(contentsOf: bytes)
            case .lineStart:
                program.text.append(contentsOf: scope.indentation)
            case .variable(let path, let escaped):
                emit(.variable(path: add(path), escaped: escaped))
            case .section(let path, let inverted, let children):
                let path = add(path)
                let opener = emit(.section(path: path, inverted: inverted, end: 0))
                compile(children[...], in: scope)
                program.instructions[opener] = .section(path: path, inverted: inverted, end: closeText())
            case .partial(let name, let extra):
                include(name, indentation: extra, arguments: [:], in: scope)
            case .parent(let name, let extra, let arguments):
                include(name, indentation: extra, arguments: arguments, in: scope)
            case .block(let name, let extra, let defaults):
                block(name, indentation: extra, defaults: defaults, in: scope)
            }
        }
    }

    /// Expands a partial or parent, or defers it.
    private mutating func include(_ name: String, indentation extra: [UInt8]?, arguments: [String: [TemplateNode]], in scope: ExpansionScope) {
        guard scope.depth < Self.maximumDepth, let template = templates[name] else { return }
        let inner = scope.including(arguments: arguments, indentation: extra)
        let overBudget = program.instructions.count > Self.instructionBudget || program.text.count > Self.textBudget
        if !expandsIncludes || overBudget || inlining.contains(name) {
            let key = DeferredKey(name: name, indentation: inner.indentation, overrides: ObjectIdentifier(inner.overrides), depth: inner.depth)
            if let index = deferredIndices[key] {
                emit(.deferred(index))
            } else {
                deferredIndices[key] = program.deferred.count
                emit(.deferred(program.deferred.count))
                program.deferred.append(TemplateProgram.DeferredInclude(name: name, nodes: template.nodes, scope: inner))
            }
            return
        }
        let opener = emit(.expansion(end: 0))
        inlining.append(name)
        compile(template.nodes[...], in: inner)
        inlining.removeLast()
        program.instructions[opener] = .expansion(end: closeText())
    }

    /// Expands a block slot: the overriding argument if any, else the default.
    private mutating func block(_ name: String, indentation extra: [UInt8]?, defaults: [TemplateNode], in scope: ExpansionScope) {
        var inner = scope
        var content = defaults
        if let override = scope.overrides.byName[name] {
            content = override.nodes
            inner.overrides = override.overrides
        }
        if let extra { inner.indentation += extra }
        if !inner.indentation.isEmpty, case .lineStart = content.first {
            // The first line sits where the slot is: indented only if the slot
            // stands alone, else it continues the line around the slot.
            if extra != nil { program.text.append(contentsOf: inner.indentation) }
            compile(content.dropFirst(), in: inner)
        } else {
            compile(content[...], in: inner)
        }
    }

    /// Appends `instruction` after any pending text; returns its index.
    @discardableResult
    private mutating func emit(_ instruction: TemplateProgram.Instruction) -> Int {
        closeText()
        program.instructions.append(instruction)
        return program.instructions.count - 1
    }

    /// Covers the pending text with a `text` instruction, so the next text starts
    /// a new one (a jump may land between them); returns the next index.
    @discardableResult
    private mutating func closeText() -> Int {
        if pendingText < program.text.count {
            program.instructions.append(.text(pendingText..<program.text.count))
            pendingText = program.text.count
        }
        return program.instructions.count
    }

    private mutating func add(_ path: [String]) -> Range<Int> {
        program.names.append(contentsOf: path)
        return program.names.count - path.count..<program.names.count
    }
}
