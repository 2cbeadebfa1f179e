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
        /// A partial or parent that was not inlined (a recursive one, one past the
        /// compile budget, or any include of a deferred one): `deferred[index]` is
        /// compiled when reached, counting against the expansion budget like an
        /// inlined one.
        case deferred(Int)
    }

    /// A partial or parent left to render time, with everything needed to compile
    /// it then exactly as it would have been inlined.
    ///
    /// A class so a render can cache what it compiled by identity: a recursive
    /// partial inside a list is reached once per item, always with the same scope.
    final class DeferredInclude: Sendable {
        /// The included template's name, so its own recursion is caught.
        let name: String
        let nodes: [TemplateNode]
        let scope: ExpansionScope

        init(name: String, nodes: [TemplateNode], scope: ExpansionScope) {
            self.name = name
            self.nodes = nodes
            self.scope = scope
        }
    }

    var instructions: [Instruction] = []
    /// The literal text of every `text` instruction.
    var text: [UInt8] = []
    /// The parts of every variable and section name, `a.b` as `a`, `b`.
    var names: [String] = []
    var deferred: [DeferredInclude] = []
}
