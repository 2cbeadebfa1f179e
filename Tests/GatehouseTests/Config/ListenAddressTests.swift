import Testing
@testable import Gatehouse

@Suite("LISTEN addresses")
struct ListenAddressTests {
    @Test func parsesEveryForm() throws {
        #expect(try ListenAddress(parsing: "stdin") == .stdin)
        #expect(try ListenAddress(parsing: "unix:.run/gatehouse.sock") == .unix(path: ".run/gatehouse.sock"))
        #expect(try ListenAddress(parsing: "unix:/run/g.sock") == .unix(path: "/run/g.sock"))
        #expect(try ListenAddress(parsing: "127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: ":9000") == .tcp(host: "", port: 9000))
        #expect(try ListenAddress(parsing: "localhost:1") == .tcp(host: "localhost", port: 1))
        #expect(try ListenAddress(parsing: "[::1]:65535") == .tcp(host: "::1", port: 65535))
        #expect(try ListenAddress(parsing: "gate-1.internal:9000") == .tcp(host: "gate-1.internal", port: 9000))
    }

    @Test(arguments: ["stdin", "unix:x.sock", "127.0.0.1:9000", ":80", "[::1]:9000", "[fe80::1]:80"])
    func descriptionRoundTrips(text: String) throws {
        #expect(try ListenAddress(parsing: text).description == text)
    }

    @Test(arguments: [
        "", "unix:", "STDIN", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:abc", "127.0.0.1:+80", "::1:9000", "[::1:9000", "::1]:9000", "[zz]:80",
        "[127.0.0.1]:80", "999.1.1.1:80", "bad host:80", "-x:80", "http://x:80",
        "unix:" + String(repeating: "a", count: 108),
    ])
    func rejectsBadForms(text: String) {
        #expect(throws: ConfigurationError.self) { try ListenAddress(parsing: text) }
        do {
            _ = try ListenAddress(parsing: text)
        } catch {
            #expect(error.key == "LISTEN")
        }
    }
}
