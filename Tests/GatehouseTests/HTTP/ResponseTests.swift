@testable import Gatehouse
import Testing

@Suite("Response head")
struct ResponseTests {
    @Test("Header lookup ignores ASCII case only")
    func headerLookup() {
        let response = Response(headers: [("Content-Type", "text/html"), ("X-A@", "one")])
        #expect(response.header("content-type") == "text/html")
        #expect(response.header("CONTENT-TYPE") == "text/html")
        #expect(response.header("Content-Typ") == nil)
        #expect(response.header("x-a@") == "one")
        // `@` and `` ` `` differ only in the bit that case flips for letters.
        #expect(response.header("X-A`") == nil)
        #expect(response.isHTML)
    }

    @Test("A redirect's Location percent-encodes what a URL may not hold raw, once", arguments: [
        ("/ünï", "/%C3%BCn%C3%AF"),
        ("/a b?q=\"<x>\"", "/a%20b?q=%22%3Cx%3E%22"),
        ("/path%20kept?x=%2F&y=%e2%82%AC", "/path%20kept?x=%2F&y=%e2%82%AC"),
        ("/100%", "/100%25"),
        ("/%zz%4", "/%25zz%254"),
        ("/a{b}|c\\d^e`f[g]", "/a%7Bb%7D%7Cc%5Cd%5Ee%60f%5Bg%5D"),
        ("/a/b-c_d.e~f?g=h&i=j;k,l:m@n!o$p'q(r)s*t+u#frag", "/a/b-c_d.e~f?g=h&i=j;k,l:m@n!o$p'q(r)s*t+u#frag"),
        ("/line\r\nSet-Cookie:x", "/line%0D%0ASet-Cookie:x"),
    ])
    func redirectLocation(target: String, location: String) {
        #expect(Response.redirect(to: target).header("Location") == location)
    }

    @Test("The head carries the status, headers, cookies and a Content-Length")
    func serialized() {
        var response = Response.html(Array("<p>hi</p>".utf8), status: .notFound)
        response.cookies.append(SetCookie(name: "session", value: "abc", maxAge: 60, secure: false))
        let text = String(decoding: response.serialized(), as: UTF8.self)
        #expect(text == "Status: 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n"
            + "Set-Cookie: session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax\r\n"
            + "Content-Length: 9\r\n\r\n<p>hi</p>")
    }

    @Test("Security headers: in the head once, found by lookup, Cache-Control only when none was set")
    func securityHeaders() {
        var page = Response.html(Array("<p>hi</p>".utf8))
        page.addSecurityHeaders()
        #expect(page.header("x-frame-options") == "DENY")
        #expect(page.header("Cache-Control") == "no-store")
        let text = String(decoding: page.serialized(), as: UTF8.self)
        #expect(text == "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
            + "Content-Security-Policy: default-src 'self'\r\nX-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n"
            + "X-Content-Type-Options: nosniff\r\nContent-Length: 9\r\n\r\n<p>hi</p>")

        var cached = Response(headers: [("Content-Type", "text/html"), ("Cache-Control", "private")])
        cached.addSecurityHeaders()
        #expect(cached.header("Cache-Control") == "private")
        #expect(cached.headers.filter { $0.name == "Cache-Control" }.count == 1)
        #expect(Response().header("X-Frame-Options") == nil)
    }
}
