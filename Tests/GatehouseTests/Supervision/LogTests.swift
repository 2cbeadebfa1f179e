import GatehouseSupervision
import Testing

/// Log values are written as logfmt: a value that could be misread, or start a line of its
/// own (a username with a newline in it, say), is quoted and escaped.
@Suite("Log lines")
struct LogTests {
    static func quoted(_ value: String) -> String {
        var line: [UInt8] = []
        Log.appendQuoted(value, to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    @Test("Plain values stay bare; empty ones and those with space, quote, = or backslash are quoted", arguments: [
        ("worker_started", "worker_started"),
        ("/run/gatehouse/gatehouse.sock", "/run/gatehouse/gatehouse.sock"),
        ("zoë", "zoë"),
        ("", #""""#),
        ("a b", #""a b""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\dir"#, #""C:\\dir""#),
    ])
    func quoting(value: String, expected: String) {
        #expect(Self.quoted(value) == expected)
    }

    @Test("Control characters are escaped, so no value can end the line or forge another", arguments: [
        ("alice\nevent=login_ok user=admin", #""alice\nevent=login_ok user=admin""#),
        ("a\rb", #""a\rb""#),
        ("a\tb", #""a\tb""#),
        ("a\u{0}b\u{1B}[31m\u{7F}", #""a\x00b\x1b[31m\x7f""#),
    ])
    func controlCharacters(value: String, expected: String) {
        let written = Self.quoted(value)
        #expect(written == expected)
        #expect(!written.utf8.contains { $0 < 0x20 || $0 == 0x7F })
    }
}
