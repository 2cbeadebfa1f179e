/// A Mustache template parsed once into an immutable node tree.
///
/// Parsing applies the spec's standalone-line and indentation rules up front.
/// Partials and parents are stored by name: the `TemplateLibrary` resolves them
/// when it compiles its templates into `TemplateProgram`s, which is what renders.
public struct Template: Sendable {
    /// The name used as `file` in syntax errors (a path for templates read from disk).
    public let name: String
    /// The parsed tree.
    let nodes: [TemplateNode]

    /// Parses `source`.
    /// - Parameters:
    ///   - source: Mustache text.
    ///   - name: The file name reported in errors.
    /// - Throws: `TemplateError` naming `name` and a line: an unclosed section at
    ///   the line of its opening tag; a mismatched or unexpected closing tag, an
    ///   unclosed tag, a bad tag name or a bad set-delimiter tag at the line where
    ///   that tag starts.
    public init(source: String, name: String) throws(TemplateError) {
        self.name = name
        self.nodes = try TemplateParser.parse(source: source, file: name)
    }
}

/// One node of a parsed template.
enum TemplateNode: Sendable {
    /// Literal bytes.
    case text([UInt8])
    /// The start of a source line: the current indentation goes here
    /// (nothing at top level, the standalone tag's whitespace inside a partial).
    case lineStart
    /// `{{name}}` (escaped) or `{{{name}}}`/`{{&name}}`; an empty path is `{{.}}`.
    case variable([String], escaped: Bool)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when `inverted`.
    case section([String], inverted: Bool, [TemplateNode])
    /// `{{>name}}`; `indentation` is non-nil when the tag stands alone on its line.
    case partial(String, indentation: [UInt8]?)
    /// `{{<name}}…{{/name}}` with its argument blocks; `indentation` as for partials.
    case parent(String, indentation: [UInt8]?, arguments: [String: [TemplateNode]])
    /// `{{$name}}default{{/name}}` outside a parent: a slot an argument may fill.
    /// `indentation` is non-nil when the block is standalone; it is then written
    /// before every line of whatever content fills the slot.
    case block(String, indentation: [UInt8]?, [TemplateNode])
}
