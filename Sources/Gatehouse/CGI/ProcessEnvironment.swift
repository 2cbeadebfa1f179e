import Glibc

/// The process environment as a dictionary, read from `environ` directly.
///
/// The command line used Foundation's `ProcessInfo` only for this; without Foundation the
/// binary starts ~9 ms faster, which plain CGI pays on every request.
public enum ProcessEnvironment {
    /// Every `NAME=value` entry; the first of repeated names wins, as `getenv` does.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var index = 0
        while let entry = environ[index] {
            index += 1
            let text = String(cString: entry)
            guard let equals = text.firstIndex(of: "=") else { continue }
            let name = String(text[..<equals])
            if result[name] == nil { result[name] = String(text[text.index(after: equals)...]) }
        }
        return result
    }
}
