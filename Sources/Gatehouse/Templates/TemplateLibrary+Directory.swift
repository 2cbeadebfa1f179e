#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TemplateLibrary {
    /// Loads and parses every `*.html` file (or `*<suffix>`) in `directory` (not its
    /// subdirectories); `login.html` becomes template `login`.
    ///
    /// Uses POSIX calls rather than Foundation, which the library does not link.
    /// - Throws: `TemplateError` for an unreadable directory or file, a file that is
    ///   not UTF-8, or the first syntax error in file-name order, with `file` set to
    ///   the file's path.
    public init(directory: String, suffix: String = ".html") throws(TemplateError) {
        var templates: [String: Template] = [:]
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for fileName in try Self.templateFileNames(in: directory, suffix: suffix) {
            let path = prefix + fileName
            let source = try Self.readTemplateFile(path)
            templates[String(fileName.dropLast(suffix.count))] = try Template(source: source, name: path)
        }
        self.init(templates: templates)
    }

    /// The sorted names of the visible `*<suffix>` entries of `directory`.
    private static func templateFileNames(in directory: String, suffix: String) throws(TemplateError) -> [String] {
        guard let stream = opendir(directory) else {
            throw TemplateError(file: directory, line: 0, message: "cannot open template directory: \(systemError())")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(suffix), !name.hasPrefix("."), name.utf8.count > suffix.utf8.count {
                names.append(name)
            }
        }
        return names.sorted()
    }

    /// Reads a whole file as UTF-8 text.
    private static func readTemplateFile(_ path: String) throws(TemplateError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TemplateError(file: path, line: 0, message: "cannot open template: \(systemError())")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw TemplateError(file: path, line: 0, message: "cannot read template: \(systemError())")
            }
            bytes.append(contentsOf: chunk[..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TemplateError(file: path, line: 0, message: "template is not valid UTF-8")
        }
        return text
    }

    private static func systemError() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
