import Foundation
import Testing

/// The lines a page rendered from the real `templates/` must have, worked out from the
/// files themselves instead of a copy of them, so that the test pins what the renderer
/// decides (which lines a standalone tag removes, which sections show, how the layout's
/// block indents the page) and follows any edit of the templates' text.
///
/// Deliberately simple: a line without tags must come out exactly (indented by the
/// layout's `{{$content}}` line when it is the page's), a line with tags must start with
/// its text before the first tag; the values in tagged lines are the test's to check.
struct ExpectedPage {
    /// One expected output line.
    enum Line: Equatable, CustomStringConvertible {
        /// A line without tags, exactly.
        case exact(String)
        /// A line with tags: its text up to the first tag.
        case prefix(String)

        /// Whether `output` is this line.
        func matches(_ output: Substring) -> Bool {
            switch self {
            case .exact(let text): output == text
            case .prefix(let text): output.hasPrefix(text)
            }
        }

        var description: String {
            switch self {
            case .exact(let text): "exactly \"\(text)\""
            case .prefix(let text): "starting \"\(text)\""
            }
        }
    }

    /// The expected lines, in order.
    let lines: [Line]

    /// The lines of `page` rendered inside `layout`.
    /// - Parameters:
    ///   - page: the page's source: `{{<layout}}`, inline blocks, a standalone `{{$content}}` block.
    ///   - layout: the layout's source, with its `{{$content}}{{/content}}` line.
    ///   - shown: for each standalone section name in either file, whether the model makes
    ///     a `{{#name}}` section show (its `{{^name}}` shows when this is false).
    init(page: String, layout: String, shown: [String: Bool]) throws {
        let pageLines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(pageLines.firstIndex(of: "{{$content}}"))
        let end = try #require(pageLines.lastIndex(of: "{{/content}}"))
        let content = try Self.lines(Array(pageLines[(start + 1)..<end]), shown: shown)
        lines = try Self.lines(Self.split(layout), shown: shown, content: content)
    }

    /// The lines of `text`, which ends with a newline (no empty line after it).
    static func split(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Records an issue for each line of `output` that is not the expected one.
    func check(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let rendered = Self.split(output)
        #expect(rendered.count == lines.count, "line count", sourceLocation: sourceLocation)
        for (index, (line, expected)) in zip(rendered, lines).enumerated() where !expected.matches(line[...]) {
            Issue.record("line \(index + 1): \"\(line)\" is not \(expected)", sourceLocation: sourceLocation)
        }
    }

    /// `source` lines with standalone tags removed and hidden sections left out, and
    /// `content` in place of the `{{$content}}{{/content}}` line.
    private static func lines(_ source: [String], shown: [String: Bool], content: [Line] = []) throws -> [Line] {
        var visible: [Bool] = []
        var out: [Line] = []
        for line in source {
            let trimmed = line.drop { $0 == " " }
            if trimmed == "{{$content}}{{/content}}" {
                // The page's block, each line indented as the block tag is; the block's own
                // line then ends, empty.
                let indent = String(line.prefix { $0 == " " })
                out += content.map { line in
                    switch line {
                    case .exact(let text): .exact(text.isEmpty ? "" : indent + text)
                    case .prefix(let text): .prefix(indent + text)
                    }
                }
                out.append(.exact(""))
                continue
            }
            if trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.dropFirst(2).firstIndex(of: "{") == nil,
               trimmed.components(separatedBy: "}}").count == 2 {
                // A standalone tag: it leaves no line.
                let sigil = trimmed.dropFirst(2).first
                let name = trimmed.dropFirst(3).dropLast(2).trimmingCharacters(in: .whitespaces)
                switch sigil {
                case "#", "^":
                    guard let isShown = shown[name] else { throw UnknownSection(name: name) }
                    visible.append(sigil == "#" ? isShown : !isShown)
                case "$": visible.append(true)  // a block's default (the layout's empty `scripts`)
                case "/": _ = visible.popLast()
                case "!": break
                default: Issue.record("unexpected standalone tag \(trimmed)")
                }
                continue
            }
            guard !visible.contains(false) else { continue }
            if let tag = line.range(of: "{{") {
                out.append(.prefix(String(line[..<tag.lowerBound])))
            } else {
                out.append(.exact(line))
            }
        }
        return out
    }
}

/// A standalone section the test did not say the model shows or hides.
struct UnknownSection: Error, CustomStringConvertible {
    let name: String
    var description: String { "say whether section \(name) shows" }
}
