@testable import Gatehouse
import Testing

@Suite("Cookie header parsing")
struct CookieHeaderTests {
    @Test("Pairs are split on semicolons and trimmed")
    func basic() {
        let cookies = CookieHeader("a=1; session=abc ;  theme = dark")
        #expect(cookies.uniqueValue(named: "session") == "abc")
        #expect(cookies.uniqueValue(named: "theme") == "dark")
        #expect(cookies.uniqueValue(named: "a") == "1")
        #expect(cookies.uniqueValue(named: "missing") == nil)
    }

    @Test("A quoted value loses its quotes")
    func quoted() {
        #expect(CookieHeader(#"session="abc""#).uniqueValue(named: "session") == "abc")
    }

    @Test("A name sent twice is ambiguous and counts as absent")
    func duplicates() {
        let cookies = CookieHeader("session=one; session=two")
        #expect(cookies.values(named: "session") == ["one", "two"])
        #expect(cookies.uniqueValue(named: "session") == nil)
    }

    @Test("Garbage pieces are skipped, never an error", arguments: [
        "", ";;;", "=", "=value", "novalue", "session", "; session=ok; =x; junk",
    ])
    func garbage(header: String) {
        let cookies = CookieHeader(header)
        #expect(cookies.pairs.allSatisfy { !$0.name.isEmpty })
    }

    @Test("Pairs keep header order; a name matches whole, not as a prefix")
    func wholeNames() {
        let cookies = CookieHeader("theme=dark;session=abc; other=\"x\"")
        #expect(cookies.pairs.map(\.name) == ["theme", "session", "other"])
        #expect(cookies.pairs.map(\.value) == ["dark", "abc", "x"])
        #expect(cookies.uniqueValue(named: "sess") == nil)
        #expect(cookies.uniqueValue(named: "session=") == nil)
    }

    @Test("Values beyond ASCII survive whole")
    func unicodeValue() {
        let cookies = CookieHeader("theme=grün; session=abc")
        #expect(cookies.uniqueValue(named: "theme") == "grün")
        #expect(cookies.pairs.map(\.value) == ["grün", "abc"])
    }

    @Test("An oversize header yields no cookies")
    func oversize() {
        let header = "session=abc; pad=" + String(repeating: "x", count: CookieHeader.maxLength)
        #expect(CookieHeader(header).pairs.isEmpty)
        #expect(CookieHeader(nil).pairs.isEmpty)
    }
}
