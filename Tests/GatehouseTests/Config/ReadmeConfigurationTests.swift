import Foundation
import Testing
@testable import Gatehouse

/// README.md's configuration table is the site owner's reference: every key the code
/// reads must have a row there. One direction only: the README may document keys whose
/// code lands later the same day.
@Suite("README configuration reference")
struct ReadmeConfigurationTests {
    @Test("every key Configuration knows has a row in README's configuration table")
    func everyKnownKeyIsDocumented() throws {
        let documented = ReadmeConfigurationTable.keys(in: try ReadmeConfigurationTable.readmeText())
        let missing = Configuration.knownKeys.subtracting(documented).sorted()
        #expect(missing.isEmpty, "README.md's configuration table has no row for: \(missing.joined(separator: ", "))")
    }

    @Test("the table reader finds the README's rows, so the check above cannot pass on an empty table")
    func readerFindsRows() throws {
        let documented = ReadmeConfigurationTable.keys(in: try ReadmeConfigurationTable.readmeText())
        #expect(documented.isSuperset(of: ["SECRET_KEY", "DATABASE_URL", "DB_HOST", "DB_PORT", "LOGIN_FAILURE_WINDOW"]))
    }

    @Test("a key named only in prose or in another section's table does not count")
    func onlyTheConfigurationTableCounts() {
        let text = """
            # Title
            Set `LISTEN` somewhere.
            ## Configuration
            | key | default | meaning |
            |---|---|---|
            | `SECRET_KEY` | required | keys CSRF; unlike `LISTEN` |
            | `DB_USER`, `DB_HOST` | — | the database |
            ## Command line
            | `WORKERS` | x | y |
            """
        #expect(ReadmeConfigurationTable.keys(in: text) == ["SECRET_KEY", "DB_USER", "DB_HOST"])
    }
}

/// Reads the keys out of the first column of README.md's `## Configuration` table.
enum ReadmeConfigurationTable {
    static func readmeText(filePath: String = #filePath) throws -> String {
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/",
              !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The backquoted UPPER_CASE names in the first cell of each row of the section's table.
    static func keys(in readme: String) -> Set<String> {
        var keys: Set<String> = []
        var inSection = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                inSection = line == "## Configuration"
                continue
            }
            guard inSection, line.hasPrefix("|") else { continue }
            let firstCell = line.dropFirst().prefix { $0 != "|" }
            let quoted = firstCell.split(separator: "`", omittingEmptySubsequences: false)
            // Odd pieces are the backquoted ones.
            for (index, piece) in quoted.enumerated() where index % 2 == 1 {
                if !piece.isEmpty, piece.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
                    keys.insert(String(piece))
                }
            }
        }
        return keys
    }
}
