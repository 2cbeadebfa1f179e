/// The dotenv file format: `KEY=VALUE` lines, as written by `make run` and read at start-up.
///
/// Blank lines and lines starting with `#` are ignored; a line may start with
/// `export `. Unquoted values are trimmed and end at a `#` that follows whitespace.
/// `'single quotes'` keep their content literally; `"double quotes"` understand
/// `\n \r \t \" \\ \$`. There is no variable expansion and a value is one line.
public enum DotEnv {
    /// Parses `text` into its entries in file order; a later entry for the same key
    /// overrides an earlier one when the caller builds a dictionary.
    /// - Parameters:
    ///   - text: The whole file.
    ///   - file: The path shown in error messages.
    /// - Throws: `ConfigurationError` with key `FILE:LINE` for a malformed line.
    public static func parse(_ text: String, file: String) throws(ConfigurationError)
        -> [(key: String, value: String)]
    {
        var entries: [(key: String, value: String)] = []
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let lines = bytes.split(separator: newline, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            var line = ArraySlice(rawLine)
            if line.last == carriageReturn { line.removeLast() }
            do throws(LineError) {
                if let entry = try parseLine(line) { entries.append(entry) }
            } catch {
                throw ConfigurationError(key: "\(file):\(index + 1)", message: error.message)
            }
        }
        return entries
    }

    /// Renders `value` so that `parse` reads it back unchanged: bare when that is safe,
    /// else in double quotes with escapes.
    public static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { byte in
            byte > 0x20 && byte != 0x7F && !"\"'\\$#`".utf8.contains(byte)
        }
        if plain { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "$": result += "\\$"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: - Line parsing

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let hash = UInt8(ascii: "#")

    /// A syntax error within one line; `parse` adds the file and line number.
    private struct LineError: Error {
        var message: String
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isBlank(first) { slice.removeFirst() }
        while let last = slice.last, isBlank(last) { slice.removeLast() }
        return slice
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// One entry, or `nil` for a blank or comment line.
    private static func parseLine(_ raw: ArraySlice<UInt8>) throws(LineError)
        -> (key: String, value: String)?
    {
        var line = trimmed(raw)
        guard let first = line.first, first != hash else { return nil }
        if line.starts(with: "export".utf8), line.count > 6,
            isBlank(line[line.startIndex + 6])
        {
            line = trimmed(line.dropFirst(6))
        }
        if line.contains(0) { throw LineError(message: "NUL byte in line") }
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            throw LineError(message: "expected KEY=VALUE, got \"\(string(line))\"")
        }
        let key = trimmed(line[..<equals])
        guard isValidKey(key) else {
            throw LineError(message: "invalid key \"\(string(key))\"; keys are letters, digits and _")
        }
        let value = try parseValue(line[(equals + 1)...])
        return (string(key), value)
    }

    /// True for `[A-Za-z_][A-Za-z0-9_]*`.
    private static func isValidKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard let first = key.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return key.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                true
            default:
                false
            }
        }
    }

    /// The value from the text after `=` (the line is already trimmed at its end).
    private static func parseValue(_ raw: ArraySlice<UInt8>) throws(LineError) -> String {
        let text = trimmed(raw)
        switch text.first {
        case UInt8(ascii: "'"):
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: UInt8(ascii: "'")) else {
                throw LineError(message: "unterminated single-quoted value")
            }
            try expectNothingAfterQuote(body[(close + 1)...])
            return string(body[..<close])
        case UInt8(ascii: "\""):
            return try parseDoubleQuoted(text.dropFirst())
        default:
            // An unquoted value ends where a comment starts: a `#` after whitespace
            // (so `KEY= # note` is empty but `KEY=#1` is "#1").
            var end = raw.endIndex
            var index = raw.startIndex
            while index < raw.endIndex {
                if raw[index] == hash, index > raw.startIndex, isBlank(raw[index - 1]) {
                    end = index
                    break
                }
                index += 1
            }
            return string(trimmed(raw[..<end]))
        }
    }

    /// Content of a double-quoted value; `body` starts after the opening quote.
    private static func parseDoubleQuoted(_ body: ArraySlice<UInt8>) throws(LineError) -> String {
        var result: [UInt8] = []
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == UInt8(ascii: "\"") {
                try expectNothingAfterQuote(body[(index + 1)...])
                return String(decoding: result, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < body.endIndex else { break }
                switch body[index] {
                case UInt8(ascii: "n"): result.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): result.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "t"): result.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"):
                    result.append(body[index])
                default:
                    let escape = string(body[index...]).first.map(String.init) ?? ""
                    throw LineError(message: "unknown escape \\\(escape) in double-quoted value")
                }
            } else {
                result.append(byte)
            }
            index += 1
        }
        throw LineError(message: "unterminated double-quoted value")
    }

    /// After a closing quote only whitespace and a `#` comment may follow.
    private static func expectNothingAfterQuote(_ rest: ArraySlice<UInt8>) throws(LineError) {
        let tail = trimmed(rest)
        guard tail.isEmpty || tail.first == hash else {
            throw LineError(message: "unexpected text after closing quote: \"\(string(tail))\"")
        }
    }
}
