/// Keeps `next` on this site: only local paths are followed, anything else becomes `/`.
enum SafeRedirect {
    /// `candidate` when it is a local path (starts with `/`, not `//` or `/\`, and holds no
    /// control character or backslash anywhere, since browsers drop tabs and newlines and
    /// read `\` as `/`); otherwise `/`.
    static func target(_ candidate: String?) -> String {
        guard let candidate, candidate.utf8.first == UInt8(ascii: "/") else { return "/" }
        let bytes = Array(candidate.utf8)
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return "/" }
        for byte in bytes where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            return "/"
        }
        return candidate
    }
}
