import Foundation
import Gatehouse
import Testing

/// The official Mustache spec vectors (`../shared/mustache-spec/*.json`), each its
/// own test case, plus a summary line. Lambdas and dynamic names (`~lambdas.json`,
/// `~dynamic-names.json`) are optional in the spec and not implemented; of the
/// optional `~` files only `~inheritance.json` is run.
@Suite("Mustache spec")
struct MustacheSpecTests {
    @Test("spec vector", arguments: SpecVectors.all)
    func vector(_ vector: SpecVector) throws {
        #expect(try vector.render() == vector.expected, "\(vector.template.debugDescription)")
    }

    @Test("all spec vectors pass")
    func summary() throws {
        let directory = SpecVectors.directory
        guard FileManager.default.fileExists(atPath: directory) else {
            Issue.record("Mustache spec vectors not found at \(directory)")
            return
        }
        let vectors = try SpecVectors.load()
        let passed = vectors.filter { (try? $0.render()) == $0.expected }.count
        print("Mustache spec: \(passed)/\(vectors.count) vectors passed")
        #expect(passed == vectors.count && vectors.count > 0)
    }
}

/// One spec test: a template, its partials, the data and the expected output.
struct SpecVector: Sendable, CustomTestStringConvertible {
    let file: String
    /// Position in the file: names repeat (`~inheritance.json` has two "Text inside parent").
    let number: Int
    let name: String
    let template: String
    let partials: [String: String]
    let data: TemplateValue
    let expected: String

    var testDescription: String { "\(file) #\(number) \(name)" }

    /// Parses the template and partials into a library and renders the template.
    func render() throws -> String {
        let key = "spec vector template"  // a name no partial tag can spell
        var sources = partials
        sources[key] = template
        return try TemplateLibrary(sources: sources).render(key, data)
    }
}

/// Finding and reading the spec files.
enum SpecVectors {
    /// `MUSTACHE_SPEC_DIR`, else `../shared/mustache-spec` beside the package root.
    static let directory: String = {
        if let override = ProcessInfo.processInfo.environment["MUSTACHE_SPEC_DIR"], !override.isEmpty {
            return override
        }
        return packageRoot().appendingPathComponent("../shared/mustache-spec").standardizedFileURL.path
    }()

    /// Every vector, or none when the directory is missing (the summary test then fails).
    static let all: [SpecVector] = (try? load()) ?? []

    /// Reads every spec file except the optional lambda and dynamic-name ones.
    static func load() throws -> [SpecVector] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") && (!$0.hasPrefix("~") || $0 == "~inheritance.json") }
            .sorted()
        var vectors: [SpecVector] = []
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let tests = root["tests"] as? [[String: Any]]
            else { throw SpecFileError(file: file) }
            for (number, test) in tests.enumerated() {
                vectors.append(
                    SpecVector(
                        file: file, number: number + 1,
                        name: test["name"] as? String ?? "",
                        template: test["template"] as? String ?? "",
                        partials: test["partials"] as? [String: String] ?? [:],
                        data: value(fromJSON: test["data"] ?? NSNull()),
                        expected: test["expected"] as? String ?? ""))
            }
        }
        return vectors
    }

    /// Converts a `JSONSerialization` value. Booleans arrive as NSNumbers too;
    /// they are told apart by class, which works on Linux and Darwin alike.
    static func value(fromJSON json: Any) -> TemplateValue {
        switch json {
        case let number as NSNumber:
            if ObjectIdentifier(type(of: number)) == booleanClass { return .bool(number.boolValue) }
            let encoding = String(cString: number.objCType)
            return encoding == "d" || encoding == "f" ? .double(number.doubleValue) : .int(number.intValue)
        case let text as String:
            return .string(text)
        case let list as [Any]:
            return .list(list.map(value(fromJSON:)))
        case let object as [String: Any]:
            return .object(TemplateObject(object.mapValues(value(fromJSON:))))
        default:
            return .null
        }
    }

    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// The folder holding `Package.swift`, found by walking up from this file.
    private static func packageRoot(filePath: String = #filePath) -> URL {
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder.deleteLastPathComponent()
        }
        return folder
    }
}

/// A spec file without the expected `tests` array.
private struct SpecFileError: Error {
    let file: String
}
