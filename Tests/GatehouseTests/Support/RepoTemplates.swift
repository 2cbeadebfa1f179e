import Foundation
import Gatehouse

/// The repository's own `templates/` directory, which every page test renders through.
enum RepoTemplates {
    /// `templates/` of the package, found by walking up from this file to `Package.swift`.
    static let directory: String = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { break }
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("templates").path
    }()

    /// The templates parsed as `gatehouse serve` parses them at start.
    static let library: TemplateLibrary = {
        do {
            return try TemplateLibrary(directory: directory)
        } catch {
            fatalError("templates/ does not parse: \(error)")
        }
    }()

    /// The text of `templates/<name>.html`.
    static func source(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name + ".html", encoding: .utf8)
    }
}
