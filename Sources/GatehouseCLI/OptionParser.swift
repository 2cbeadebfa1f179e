/// A tiny `--name value` parser for the subcommands.
struct OptionParser {
    private var arguments: [String]

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    /// The arguments no `value` or `values` call has taken.
    var remaining: [String] { arguments }

    /// Removes and returns the value of a single-use option.
    mutating func value(_ name: String) throws(UsageError) -> String? {
        let all = try values(name)
        guard all.count <= 1 else { throw UsageError(message: "\(name) given more than once") }
        return all.first
    }

    /// Removes and returns every value of a repeatable option.
    mutating func values(_ name: String) throws(UsageError) -> [String] {
        var found: [String] = []
        var index = 0
        while index < arguments.count {
            if arguments[index] == name {
                guard index + 1 < arguments.count else { throw UsageError(message: "\(name) needs a value") }
                found.append(arguments[index + 1])
                arguments.removeSubrange(index...(index + 1))
            } else if arguments[index].hasPrefix(name + "=") {
                found.append(String(arguments[index].dropFirst(name.count + 1)))
                arguments.remove(at: index)
            } else {
                index += 1
            }
        }
        return found
    }

    /// The one remaining argument, which must not look like an option.
    func singlePositional(_ usage: String) throws -> String {
        guard arguments.count == 1, let only = arguments.first, !only.hasPrefix("--") else {
            throw UsageError(message: "usage: \(usage)")
        }
        return only
    }
}

/// Left-aligned columns for list output.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
