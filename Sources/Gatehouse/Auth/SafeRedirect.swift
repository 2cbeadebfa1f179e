/// Keeps `next` on this site, or on the hosts REDIRECT_HOSTS names: anything else becomes `/`.
enum SafeRedirect {
    /// `candidate` when it is a local path (starts with `/`, not `//` or `/\`, and holds no
    /// control character or backslash anywhere, since browsers drop tabs and newlines and
    /// read `\` as `/`); otherwise `/`.
    static func target(_ candidate: String?) -> String {
        target(candidate, allowing: .none)
    }

    /// `candidate` when it is a local path as above, or an absolute URL whose host `hosts`
    /// allows (`RedirectHosts.allowsAbsolute`), with the same ban on controls and
    /// backslashes anywhere; otherwise `/`.
    static func target(_ candidate: String?, allowing hosts: RedirectHosts) -> String {
        guard let candidate, let first = candidate.utf8.first else { return "/" }
        for byte in candidate.utf8 where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            return "/"
        }
        if first == UInt8(ascii: "/") {
            let bytes = candidate.utf8
            if bytes.count > 1, bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "/") { return "/" }
            return candidate
        }
        return hosts.allowsAbsolute(candidate) ? candidate : "/"
    }
}
