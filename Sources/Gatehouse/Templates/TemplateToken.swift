/// The kind of a Mustache tag, given by its sigil.
enum TagKind: Equatable {
    case variable, unescaped, section, inverted, close, partial, parent, block, comment, delimiters

    /// Whether the tag may stand alone on a line (interpolations never do).
    var canStandAlone: Bool { self != .variable && self != .unescaped }

    /// How the tag is written with default delimiters, for error messages.
    func spelled(_ name: String) -> String {
        switch self {
        case .variable: "{{\(name)}}"
        case .unescaped: "{{&\(name)}}"
        case .section: "{{#\(name)}}"
        case .inverted: "{{^\(name)}}"
        case .close: "{{/\(name)}}"
        case .partial: "{{>\(name)}}"
        case .parent: "{{<\(name)}}"
        case .block: "{{$\(name)}}"
        case .comment: "{{!\(name)}}"
        case .delimiters: "{{=\(name)=}}"
        }
    }
}

/// One lexical piece of a template: text within a line, a line ending, or a tag.
struct TemplateToken {
    /// What the token is.
    enum Kind: Equatable {
        case text, newline
        case tag(TagKind)
    }

    var kind: Kind
    /// Byte range in the source (text and newline tokens); the parser may move
    /// `start` forward to strip indentation.
    var start: Int
    var end: Int
    /// The tag's trimmed content (tags only).
    var name: String
    /// The 1-based line the token starts on.
    var line: Int
}
