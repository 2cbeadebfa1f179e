/// Turns template source into a node tree.
///
/// Parsing runs in passes over a flat token list: scan (`TemplateScanner`), pair
/// opening and closing tags, split into lines, apply the standalone and
/// indentation rules (`TemplateParser+Whitespace.swift`), then build the tree.
/// Working on the flat list keeps the whitespace rules, which look across the
/// lines around a tag, out of the tree-building code.
struct TemplateParser {
    let source: [UInt8]
    let file: String
    var tokens: [TemplateToken]
    /// Whitespace and line endings dropped by the standalone rules.
    var deleted: [Bool]
    /// For an opening tag the index of its closing tag, and the reverse; else -1.
    var partner: [Int]
    /// The innermost opening tag enclosing each token, or -1 at top level.
    var enclosing: [Int]
    /// The line index of each token.
    var lineOf: [Int]
    /// Token index ranges of lines, each including its line ending; a final empty
    /// line after the last line ending is not a line.
    var lines: [Range<Int>] = []
    /// Lines that get no line-start marker (their standalone tag took them over).
    var suppressed: [Bool] = []
    /// The indentation of standalone partials, parents and parameter blocks.
    var indentation: [Int: [UInt8]] = [:]
    /// Tags whose indentation is their line's leading whitespace, measured last.
    var indentationToMeasure: [Int] = []
    /// Blocks whose content carries intrinsic indentation to strip.
    var intrinsicBlocks: [Int] = []

    /// Parses `source`, reporting errors against `file`.
    static func parse(source: String, file: String) throws(TemplateError) -> [TemplateNode] {
        var parser = try TemplateParser(source: Array(source.utf8), file: file)
        try parser.pairTags()
        parser.splitLines()
        parser.applyStandaloneRules()
        parser.stripIntrinsicIndentation()
        parser.measureIndentation()
        return parser.buildTree()
    }

    private init(source: [UInt8], file: String) throws(TemplateError) {
        self.source = source
        self.file = file
        var scanner = TemplateScanner(source: source, file: file)
        tokens = try scanner.scan()
        deleted = Array(repeating: false, count: tokens.count)
        partner = Array(repeating: -1, count: tokens.count)
        enclosing = Array(repeating: -1, count: tokens.count)
        lineOf = Array(repeating: 0, count: tokens.count)
    }

    func tagKind(_ index: Int) -> TagKind? {
        if case .tag(let kind) = tokens[index].kind { return kind }
        return nil
    }

    /// Whether the block at `index` is an argument: a direct child of a parent tag.
    func isArgument(_ index: Int) -> Bool {
        let outer = enclosing[index]
        return outer >= 0 && tagKind(outer) == .parent
    }

    /// Matches every opening tag with its closing tag.
    /// - Throws: a closing tag with nothing open or the wrong name (at the closing
    ///   tag's line), or an unclosed section (at the line where it was opened).
    private mutating func pairTags() throws(TemplateError) {
        var open: [Int] = []
        for index in tokens.indices {
            enclosing[index] = open.last ?? -1
            guard let kind = tagKind(index) else { continue }
            let token = tokens[index]
            switch kind {
            case .section, .inverted, .parent, .block:
                open.append(index)
            case .close:
                guard let opener = open.popLast() else {
                    throw TemplateError(file: file, line: token.line, message: "unexpected \(kind.spelled(token.name)): no section is open")
                }
                let openToken = tokens[opener]
                guard openToken.name == token.name else {
                    let opened = tagKind(opener)?.spelled(openToken.name) ?? openToken.name
                    throw TemplateError(
                        file: file, line: token.line,
                        message: "mismatched \(kind.spelled(token.name)): expected \(TagKind.close.spelled(openToken.name)) to close \(opened) from line \(openToken.line)")
                }
                partner[opener] = index
                partner[index] = opener
                enclosing[index] = open.last ?? -1
            default:
                break
            }
        }
        if let opener = open.last, let kind = tagKind(opener) {
            let token = tokens[opener]
            throw TemplateError(file: file, line: token.line, message: "unclosed \(kind.spelled(token.name)): no \(TagKind.close.spelled(token.name)) before the end of the template")
        }
    }

    private mutating func splitLines() {
        var start = 0
        for index in tokens.indices {
            lineOf[index] = lines.count
            if tokens[index].kind == .newline {
                lines.append(start..<index + 1)
                start = index + 1
            }
        }
        if start < tokens.count { lines.append(start..<tokens.count) }
        suppressed = Array(repeating: false, count: lines.count)
    }

    /// One open section, parent or block while building the tree.
    private struct Frame {
        var opener: Int
        var nodes: [TemplateNode] = []
    }

    private func buildTree() -> [TemplateNode] {
        var frames = [Frame(opener: -1)]
        for (lineIndex, range) in lines.enumerated() {
            if !suppressed[lineIndex] { frames[frames.count - 1].nodes.append(.lineStart) }
            for index in range where !deleted[index] {
                let token = tokens[index]
                switch token.kind {
                case .text, .newline:
                    if token.start < token.end { appendText(token, to: &frames[frames.count - 1].nodes) }
                case .tag(let kind):
                    switch kind {
                    case .variable, .unescaped:
                        frames[frames.count - 1].nodes.append(.variable(Self.path(token.name), escaped: kind == .variable))
                    case .partial:
                        frames[frames.count - 1].nodes.append(.partial(token.name, indentation: indentation[index]))
                    case .section, .inverted, .parent, .block:
                        frames.append(Frame(opener: index))
                    case .close:
                        let frame = frames.removeLast()
                        frames[frames.count - 1].nodes.append(node(closing: frame))
                    case .comment, .delimiters:
                        break
                    }
                }
            }
        }
        return frames[0].nodes
    }

    private func appendText(_ token: TemplateToken, to nodes: inout [TemplateNode]) {
        let bytes = source[token.start..<token.end]
        if case .text(var previous) = nodes.last {
            nodes.removeLast()
            previous.append(contentsOf: bytes)
            nodes.append(.text(previous))
        } else {
            nodes.append(.text(Array(bytes)))
        }
    }

    private func node(closing frame: Frame) -> TemplateNode {
        let opener = frame.opener
        let name = tokens[opener].name
        switch tagKind(opener) {
        case .section:
            return .section(Self.path(name), inverted: false, frame.nodes)
        case .inverted:
            return .section(Self.path(name), inverted: true, frame.nodes)
        case .parent:
            var arguments: [String: [TemplateNode]] = [:]
            for case .block(let blockName, _, let content) in frame.nodes where arguments[blockName] == nil {
                arguments[blockName] = content
            }
            return .parent(name, indentation: indentation[opener], arguments: arguments)
        default:
            // Block content begins with a line start unless its first line is a
            // standalone tag (which indents itself), so a standalone slot can indent
            // the first line like every other; an inline slot skips that marker.
            var content = frame.nodes[...]
            let argument = isArgument(opener)
            if argument {
                // The line holding the closing tag is not part of the argument.
                while case .lineStart = content.last { content.removeLast() }
            }
            let blockIndentation = argument ? nil : indentation[opener]
            let startsInline = (argument || blockIndentation != nil) && !isRightClear(opener)
            if startsInline, !content.isEmpty { content.insert(.lineStart, at: content.startIndex) }
            return .block(name, indentation: blockIndentation, Array(content))
        }
    }

    /// `a.b.c` as `["a", "b", "c"]`; `.` (the implicit iterator) as `[]`.
    static func path(_ name: String) -> [String] {
        name == "." ? [] : name.split(separator: ".").map(String.init)
    }
}
