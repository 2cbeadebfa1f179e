/// A Mustache template parsed once into an immutable node tree.
///
/// Parsing applies the spec's standalone-line and indentation rules up front, so
/// rendering only walks nodes and copies bytes. Partials and parents are stored by
/// name and looked up in the `TemplateLibrary` at render time, which lets a
/// template include itself recursively.
public struct Template: Sendable {
    /// The name used as `file` in syntax errors (a path for templates read from disk).
    public let name: String
    /// The parsed tree.
    let nodes: TemplateNodes

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
        self.nodes = TemplateNodes(try TemplateParser.parse(source: source, file: name))
    }
}

/// One node of a parsed template.
enum TemplateNode: Sendable {
    /// Literal bytes.
    case text([UInt8])
    /// The start of a source line: the renderer writes the current indentation here
    /// (nothing at top level, the standalone tag's whitespace inside a partial).
    case lineStart
    /// `{{name}}` (escaped) or `{{{name}}}`/`{{&name}}`; an empty path is `{{.}}`.
    case variable([String], escaped: Bool)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when `inverted`.
    case section([String], inverted: Bool, TemplateNodes)
    /// `{{>name}}`; `indentation` is non-nil when the tag stands alone on its line.
    case partial(String, indentation: [UInt8]?)
    /// `{{<name}}…{{/name}}` with its argument blocks; `indentation` as for partials.
    case parent(String, indentation: [UInt8]?, arguments: [String: TemplateNodes])
    /// `{{$name}}default{{/name}}` outside a parent: a slot an argument may fill.
    /// `indentation` is non-nil when the block is standalone; it is then written
    /// before every line of whatever content fills the slot.
    case block(String, indentation: [UInt8]?, TemplateNodes)
}

/// A node list in two forms: as parsed, and `unindented`, with its line starts dropped
/// and the text around them merged.
///
/// A line start writes the current indentation, which is empty unless a standalone
/// partial or block is being expanded; the renderer then walks the unindented form,
/// about a third as many nodes for a page. Nested lists keep both forms, so a
/// standalone tag deeper down still indents its own lines.
struct TemplateNodes: Sendable {
    /// The nodes as parsed, line starts included.
    let full: [TemplateNode]
    /// The same without line starts, adjacent text merged.
    let unindented: [TemplateNode]

    init(_ full: [TemplateNode]) {
        self.full = full
        var merged: [TemplateNode] = []
        for node in full {
            switch node {
            case .lineStart:
                continue
            case .text(let bytes):
                if case .text(let previous) = merged.last {
                    merged[merged.count - 1] = .text(previous + bytes)
                } else {
                    merged.append(node)
                }
            default:
                merged.append(node)
            }
        }
        unindented = merged
    }

    /// The form to walk under `indentation`.
    func walked(under indentation: [UInt8]) -> [TemplateNode] {
        indentation.isEmpty ? unindented : full
    }
}
