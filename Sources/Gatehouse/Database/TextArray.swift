/// PostgreSQL's input syntax for a `text[]` parameter (`$1::text[]`).
enum TextArray {
    /// `{"a","b"}`: every element double-quoted with `"` and `\` escaped, so each string
    /// arrives whole and as itself — never split at a comma, never read as NULL — and
    /// the SQL that uses it builds any JSON itself.
    static func literal(_ elements: [String]) -> String {
        var out = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { out += "\\" }
                out.unicodeScalars.append(character)
            }
            out += "\""
        }
        return out + "}"
    }
}
