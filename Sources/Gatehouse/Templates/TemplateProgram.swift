/// A template compiled for rendering: a flat list of instructions over one byte
/// buffer of literal text.
///
/// The `TemplateCompiler` expands partials, parents and blocks when the library is
/// loaded, since which template, indentation and block overrides apply at each tag
/// depends only on the templates, never on the data. What is left for render time
/// is what does depend on the data: interpolations and sections. Adjacent text,
/// indentation included, is one `text` instruction. Instructions carry only
/// integers, so walking them copies no reference-counted payloads.
struct TemplateProgram: Sendable {
    /// One step of a program.
    enum Instruction: Sendable {
        /// Write `text[range]`.
        case text(Range<Int>)
        /// Interpolate the value at the dotted name `names[path]`, HTML-escaped
        /// when `escaped`; an empty path is `.`.
        case variable(path: Range<Int>, escaped: Bool)
        /// A section over the value at `names[path]`: its body is the instructions
        /// from the next one up to `end`, run once per list item, once for another
        /// truthy value (or, when `inverted`, for a falsey one), or skipped.
        case section(path: Range<Int>, inverted: Bool, end: Int)
        /// An inlined partial or parent, up to `end`: it counts against the
        /// render's expansion budget and is skipped once that is spent.
        case expansion(end: Int)
        /// A partial or parent that was not inlined (a recursive one, or one past
        /// the compile budget): `deferred[index]` is compiled when reached.
        case deferred(Int)
    }

    /// A partial or parent left to render time, with everything needed to compile
    /// it then exactly as it would have been inlined.
    struct DeferredInclude: Sendable {
        /// The included template's name, so its own recursion is caught.
        let name: String
        let nodes: [TemplateNode]
        let scope: ExpansionScope
    }

    var instructions: [Instruction] = []
    /// The literal text of every `text` instruction.
    var text: [UInt8] = []
    /// The parts of every variable and section name, `a.b` as `a`, `b`.
    var names: [String] = []
    var deferred: [DeferredInclude] = []
}

/// What a partial, parent or block is expanded under: everything the output of a
/// tag depends on apart from the data.
struct ExpansionScope: Sendable {
    /// Written at each line start: the whitespace of the enclosing standalone
    /// partials and blocks.
    var indentation: [UInt8] = []
    /// Block contents supplied by the parents being expanded, by block name.
    var overrides: [String: BlockOverride] = [:]
    /// Partials and parents entered so far.
    var depth = 0

    /// The scope inside a partial (no `arguments`) or parent included here.
    /// - Parameters:
    ///   - arguments: the parent's argument blocks.
    ///   - extra: the tag's indentation if it stands alone; an inline tag inserts
    ///     the template as is, without any indentation.
    func including(arguments: [String: [TemplateNode]], indentation extra: [UInt8]?) -> ExpansionScope {
        var inner = self
        inner.indentation = extra.map { indentation + $0 } ?? []
        // Outer arguments win: the template furthest down the inheritance chain
        // has the last word on each block.
        for (name, nodes) in arguments where overrides[name] == nil {
            inner.overrides[name] = BlockOverride(nodes: nodes, overrides: overrides)
        }
        inner.depth += 1
        return inner
    }
}

/// Content that fills a block slot, with the overrides in force where it was
/// written (so a page's `content` block is not hijacked by a same-named block of a
/// partial it includes).
struct BlockOverride: Sendable {
    let nodes: [TemplateNode]
    let overrides: [String: BlockOverride]
}
