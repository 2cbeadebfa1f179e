import Testing

/// Hostile requests through real nginx: never a 5xx, always a clear answer.
@Suite("End to end: hostile input", .serialized)
struct HostileInputTests {
    let stack: Stack

    init() throws {
        stack = try Stack()
    }

    @Test("Huge, quoted, duplicated and garbage cookie headers are anonymous", arguments: [
        "session=" + String(repeating: "A", count: 7000),
        "session=\"" + String(repeating: "B", count: 43) + "\"",
        "session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; session=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ";;;==;session;=;\u{7f}",
        "session=%00%ff",
    ])
    func cookies(header: String) throws {
        let home = try stack.client.send("GET", "/", headers: ["Cookie": header])
        #expect(home.status == 303)
        #expect(home.header("Location") == "/auth?next=/")
        let check = try stack.client.send("GET", "/auth/check", headers: ["Cookie": header])
        #expect(check.status == 401)
    }

    @Test("Invalid UTF-8 in a form is 400, a JSON body 415, a broken query 400")
    func forms() throws {
        let page = try stack.client.send("GET", "/auth")
        let cookie = try #require(page.cookie("session"))
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        let bad = try stack.client.send("POST", "/auth", headers: ["Cookie": "session=\(cookie)", "Content-Type": "application/x-www-form-urlencoded"],
                                        body: Array("csrf_token=\(csrf)&username=a&password=%C3%28".utf8))
        #expect(bad.status == 400)
        let json = try stack.client.send("POST", "/auth", headers: ["Cookie": "session=\(cookie)", "Content-Type": "application/json"],
                                         body: Array("{\"username\":\"a\"}".utf8))
        #expect(json.status == 415)
        #expect(try stack.client.send("GET", "/auth?next=%G1").status == 400)
    }
}
