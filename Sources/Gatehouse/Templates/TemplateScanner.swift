/// Splits template source into tokens, applying set-delimiter tags as it goes.
///
/// Text never spans a line ending, so the parser can reason about lines without
/// looking at bytes again.
struct TemplateScanner {
    private let source: [UInt8]
    private let file: String
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)
    private var position = 0
    private var line = 1
    private var tokens: [TemplateToken] = []

    init(source: [UInt8], file: String) {
        self.source = source
        self.file = file
    }

    /// Scans the whole source.
    /// - Throws: `TemplateError` for an unclosed tag, an invalid name or delimiter tag.
    mutating func scan() throws(TemplateError) -> [TemplateToken] {
        var textStart = 0
        while position < source.count {
            let byte = source[position]
            if byte == UInt8(ascii: "\n") {
                var textEnd = position
                if position > textStart, source[position - 1] == UInt8(ascii: "\r") { textEnd -= 1 }
                appendText(from: textStart, to: textEnd)
                tokens.append(TemplateToken(kind: .newline, start: textEnd, end: position + 1, name: "", line: line))
                position += 1
                line += 1
                textStart = position
            } else if byte == open[0], matches(open, at: position) {
                appendText(from: textStart, to: position)
                try scanTag()
                textStart = position
            } else {
                position += 1
            }
        }
        appendText(from: textStart, to: source.count)
        return tokens
    }

    private mutating func appendText(from start: Int, to end: Int) {
        guard start < end else { return }
        tokens.append(TemplateToken(kind: .text, start: start, end: end, name: "", line: line))
    }

    private func matches(_ pattern: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= source.count else { return false }
        for offset in pattern.indices where source[index + offset] != pattern[offset] { return false }
        return true
    }

    private func find(_ pattern: [UInt8], from index: Int) -> Int? {
        var candidate = index
        while candidate + pattern.count <= source.count {
            if matches(pattern, at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }

    /// Scans one tag starting at `position` (on the opening delimiter).
    private mutating func scanTag() throws(TemplateError) {
        let tagLine = line
        var cursor = position + open.count
        while cursor < source.count, Self.isWhitespace(source[cursor]) { cursor += 1 }
        var terminator = close
        let kind: TagKind
        switch cursor < source.count ? source[cursor] : 0 {
        case UInt8(ascii: "{"): kind = .unescaped; terminator = Array("}".utf8) + close
        case UInt8(ascii: "&"): kind = .unescaped
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .inverted
        case UInt8(ascii: "/"): kind = .close
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "<"): kind = .parent
        case UInt8(ascii: "$"): kind = .block
        case UInt8(ascii: "!"): kind = .comment
        case UInt8(ascii: "="): kind = .delimiters; terminator = Array("=".utf8) + close
        default: kind = .variable
        }
        if kind != .variable { cursor += 1 }
        guard let end = find(terminator, from: cursor) else {
            let opener = String(decoding: open, as: UTF8.self)
            let closer = String(decoding: terminator, as: UTF8.self)
            throw TemplateError(file: file, line: tagLine, message: "unclosed tag: '\(opener)' without a matching '\(closer)'")
        }
        for index in position..<end where source[index] == UInt8(ascii: "\n") { line += 1 }
        position = end + terminator.count
        let content = trimmed(cursor, end)
        switch kind {
        case .comment:
            tokens.append(TemplateToken(kind: .tag(.comment), start: 0, end: 0, name: "", line: tagLine))
        case .delimiters:
            try setDelimiters(content, line: tagLine)
            tokens.append(TemplateToken(kind: .tag(.delimiters), start: 0, end: 0, name: "", line: tagLine))
        default:
            let name = String(decoding: content, as: UTF8.self)
            try validate(name, kind: kind, line: tagLine)
            tokens.append(TemplateToken(kind: .tag(kind), start: 0, end: 0, name: name, line: tagLine))
        }
    }

    private func trimmed(_ start: Int, _ end: Int) -> ArraySlice<UInt8> {
        var lower = start, upper = end
        while lower < upper, Self.isWhitespace(source[lower]) { lower += 1 }
        while upper > lower, Self.isWhitespace(source[upper - 1]) { upper -= 1 }
        return source[lower..<upper]
    }

    /// Applies `{{=open close=}}`.
    private mutating func setDelimiters(_ content: ArraySlice<UInt8>, line: Int) throws(TemplateError) {
        let parts = content.split(whereSeparator: Self.isWhitespace)
        guard parts.count == 2, !parts.contains(where: { $0.contains(UInt8(ascii: "=")) }) else {
            let text = String(decoding: content, as: UTF8.self)
            throw TemplateError(file: file, line: line, message: "invalid set-delimiter tag '=\(text)=': expected two delimiters without '='")
        }
        open = Array(parts[0])
        close = Array(parts[1])
    }

    /// Names are non-empty, whitespace-free, and `.` or dot-separated non-empty parts.
    private func validate(_ name: String, kind: TagKind, line: Int) throws(TemplateError) {
        if name.isEmpty {
            throw TemplateError(file: file, line: line, message: "empty tag \(kind.spelled(""))")
        }
        if name.utf8.contains(where: Self.isWhitespace) {
            throw TemplateError(file: file, line: line, message: "invalid tag name '\(name)': names contain no whitespace")
        }
        let pathLike = kind == .variable || kind == .unescaped || kind == .section || kind == .inverted
        if pathLike, name != ".", name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw TemplateError(file: file, line: line, message: "invalid tag name '\(name)': empty part in dotted name")
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
