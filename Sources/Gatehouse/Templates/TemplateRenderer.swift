/// Renders a template tree into a byte buffer.
///
/// Holds the context stack, the indentation that standalone partials and blocks
/// add to each line, and the block overrides of the parents being expanded. One
/// renderer serves one render call; the templates it reads are immutable.
struct TemplateRenderer {
    /// Partials and parents nested deeper than this render as empty, so a partial
    /// that recurses without end cannot exhaust a worker thread's stack.
    static let maximumDepth = 100
    /// Partials and parents expanded in one render beyond this render as empty, so a
    /// template that includes itself twice cannot take 2^depth steps.
    static let maximumExpansions = 10_000

    /// Content that fills a block slot, with the overrides in force where it was
    /// written (so a page's `content` block is not hijacked by a same-named block
    /// of a partial it includes).
    struct BlockOverride {
        let nodes: TemplateNodes
        let scope: [String: BlockOverride]
    }

    private let templates: [String: Template]
    private var stack: [TemplateValue]
    private var indentation: [UInt8] = []
    private var overrides: [String: BlockOverride] = [:]
    private var depth = 0
    private var expansions = 0

    init(templates: [String: Template], root: TemplateValue) {
        self.templates = templates
        self.stack = [root]
    }

    /// Renders `nodes` against the current context, appending to `buffer`.
    mutating func render(_ nodes: ArraySlice<TemplateNode>, into buffer: inout [UInt8]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                buffer.append(contentsOf: bytes)
            case .lineStart:
                if !indentation.isEmpty { buffer.append(contentsOf: indentation) }
            case .variable(let path, let escaped):
                if let value = resolve(path) { Self.interpolate(value, escaped: escaped, into: &buffer) }
            case .section(let path, let inverted, let children):
                renderSection(resolve(path) ?? .null, inverted: inverted, children, into: &buffer)
            case .partial(let name, let extra):
                include(name, indentation: extra, arguments: [:], into: &buffer)
            case .parent(let name, let extra, let arguments):
                include(name, indentation: extra, arguments: arguments, into: &buffer)
            case .block(let name, let extra, let defaults):
                renderBlock(name, indentation: extra, defaults, into: &buffer)
            }
        }
    }

    private mutating func renderSection(_ value: TemplateValue, inverted: Bool, _ nodes: TemplateNodes, into buffer: inout [UInt8]) {
        let children = nodes.walked(under: indentation)
        if inverted {
            if !value.isTruthy { render(children[...], into: &buffer) }
        } else if case .list(let items) = value {
            for item in items {
                stack.append(item)
                render(children[...], into: &buffer)
                stack.removeLast()
            }
        } else if value.isTruthy {
            stack.append(value)
            render(children[...], into: &buffer)
            stack.removeLast()
        }
    }

    /// Expands a partial or parent; a missing one renders as nothing.
    private mutating func include(_ name: String, indentation extra: [UInt8]?, arguments: [String: TemplateNodes], into buffer: inout [UInt8]) {
        guard depth < Self.maximumDepth, expansions < Self.maximumExpansions, let template = templates[name] else { return }
        expansions += 1
        let savedIndentation = indentation
        let savedOverrides = overrides
        // A standalone tag indents every line of what it includes; an inline one
        // inserts it as is.
        if let extra {
            if !extra.isEmpty { indentation += extra }
        } else if !indentation.isEmpty {
            indentation = []
        }
        // Outer arguments win: the template furthest down the inheritance chain
        // has the last word on each block.
        for (blockName, nodes) in arguments where overrides[blockName] == nil {
            overrides[blockName] = BlockOverride(nodes: nodes, scope: savedOverrides)
        }
        depth += 1
        render(template.nodes.walked(under: indentation)[...], into: &buffer)
        depth -= 1
        indentation = savedIndentation
        overrides = savedOverrides
    }

    /// Renders a block slot: the overriding argument if any, else the default.
    private mutating func renderBlock(_ name: String, indentation extra: [UInt8]?, _ defaults: TemplateNodes, into buffer: inout [UInt8]) {
        let content: TemplateNodes
        let scope: [String: BlockOverride]
        if let override = overrides[name] {
            content = override.nodes
            scope = override.scope
        } else {
            content = defaults
            scope = overrides
        }
        let savedIndentation = indentation
        let savedOverrides = overrides
        overrides = scope
        if let extra, !extra.isEmpty { indentation += extra }
        if indentation.isEmpty {
            render(content.unindented[...], into: &buffer)
        } else if case .lineStart = content.full.first {
            // The first line sits where the slot is: indented only if the slot
            // stands alone, else it continues the line around the slot.
            if extra != nil { buffer.append(contentsOf: indentation) }
            render(content.full[1...], into: &buffer)
        } else {
            render(content.full[...], into: &buffer)
        }
        indentation = savedIndentation
        overrides = savedOverrides
    }

    /// Looks `path` up the context stack: the first part in the innermost context
    /// that has it, the rest inside that value only. `nil` when anything misses.
    private func resolve(_ path: [String]) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        var found: TemplateValue?
        for context in stack.reversed() {
            if case .object(let fields) = context, let value = Self.field(first, of: fields) {
                found = value
                break
            }
        }
        guard var value = found else { return nil }
        for key in path.dropFirst() {
            guard case .object(let fields) = value, let next = Self.field(key, of: fields) else { return nil }
            value = next
        }
        return value
    }

    /// `fields[key]`, found in a small object by comparing keys instead of hashing: view
    /// models hold a handful of short names, which compare in a few instructions while
    /// hashing one costs a hundred or more, and a page looks up dozens.
    private static func field(_ key: String, of fields: [String: TemplateValue]) -> TemplateValue? {
        guard fields.count <= 8 else { return fields[key] }
        for (name, value) in fields where name == key { return value }
        return nil
    }

    /// Writes a value as text; lists and objects have no text form and write nothing.
    static func interpolate(_ value: TemplateValue, escaped: Bool, into buffer: inout [UInt8]) {
        switch value {
        case .null, .list, .object:
            break
        case .bool(let flag):
            HTMLEscape.append(flag ? "true" : "false", escaped: false, to: &buffer)
        case .string(let text):
            HTMLEscape.append(text, escaped: escaped, to: &buffer)
        case .int(let number):
            HTMLEscape.append(number, to: &buffer)
        case .double(let number):
            if number.rounded() == number, abs(number) < 1e15 {
                HTMLEscape.append(Int(number), to: &buffer)
            } else {
                HTMLEscape.append(String(describing: number), escaped: false, to: &buffer)
            }
        }
    }
}
