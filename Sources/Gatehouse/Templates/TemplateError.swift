/// A template syntax or loading error, naming the file and line where it was found.
///
/// The description reads `file:line: message`, the form compilers use, so a
/// start-up failure points straight at the offending template.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template's file (or name, for templates not loaded from disk).
    public let file: String
    /// The 1-based line of the problem; 0 when the error concerns the whole file.
    public let line: Int
    /// What went wrong, without the location.
    public let message: String

    /// Creates an error for `file` at `line`.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
