@testable import Gatehouse
import Testing

@Suite("Safe next targets")
struct SafeRedirectTests {
    @Test("Local paths are kept", arguments: ["/", "/admin", "/a/b?c=d&e=%2F", "/account#x"])
    func local(path: String) {
        #expect(SafeRedirect.target(path) == path)
    }

    @Test("Anything that could leave the site becomes /", arguments: [
        "//evil.example", "/\\evil.example", "https://evil.example/", "evil", "", "/\t/evil",
        "/\n/evil", "/ok\\x", "javascript:alert(1)", " /admin",
    ])
    func foreign(target: String) {
        #expect(SafeRedirect.target(target) == "/")
    }

    @Test("nil becomes /")
    func missing() {
        #expect(SafeRedirect.target(nil) == "/")
    }
}
