import Testing
@testable import Gatehouse

@Suite("DotEnv parsing")
struct DotEnvTests {
    /// Parses and flattens to comparable pairs.
    private func parse(_ text: String) throws -> [[String]] {
        try DotEnv.parse(text, file: "test.env").map { [$0.key, $0.value] }
    }

    /// The `key` of the error parsing `text` throws.
    private func errorKey(_ text: String) -> String? {
        do {
            _ = try DotEnv.parse(text, file: "test.env")
            return nil
        } catch {
            return error.key
        }
    }

    @Test func plainPairsAndWhitespace() throws {
        #expect(try parse("A=1\n  B = two words  \nC=\n") == [["A", "1"], ["B", "two words"], ["C", ""]])
    }

    @Test func blankLinesCommentsAndExport() throws {
        let text = "# comment\n\n   # indented comment\nexport A=1\nexport\tB=2\nexport=3\n"
        #expect(try parse(text) == [["A", "1"], ["B", "2"], ["export", "3"]])
    }

    @Test func unquotedValueEndsAtSpaceHash() throws {
        #expect(try parse("A=abc # note\nB=a#b\nC= # only comment\nD=x\t# tab") == [
            ["A", "abc"], ["B", "a#b"], ["C", ""], ["D", "x"],
        ])
    }

    @Test func singleQuotesAreLiteral() throws {
        #expect(try parse(#"A='x \n $y # not comment "q"'  # comment"#) == [
            ["A", #"x \n $y # not comment "q""#]
        ])
    }

    @Test func doubleQuotesUnderstandEscapes() throws {
        #expect(try parse(#"A="line1\nline2\tend \"q\" \\ \$HOME" # c"#) == [
            ["A", "line1\nline2\tend \"q\" \\ $HOME"]
        ])
        #expect(try parse(##"B="#not a comment""##) == [["B", "#not a comment"]])
    }

    @Test func crlfLineEndingsAndBOM() throws {
        #expect(try parse("\u{FEFF}A=1\r\nB=\"2\"\r\n") == [["A", "1"], ["B", "2"]])
    }

    @Test func repeatedKeysKeepOrder() throws {
        #expect(try parse("A=1\nA=2") == [["A", "1"], ["A", "2"]])
    }

    @Test func lineWithoutEqualsNamesFileAndLine() {
        #expect(errorKey("A=1\n\nJUSTAWORD\n") == "test.env:3")
    }

    @Test(arguments: ["1A=x", "A-B=x", "=x", "A B=x", "export =x"])
    func badKeyIsAnError(line: String) {
        #expect(errorKey("# header\n" + line) == "test.env:2")
    }

    @Test(arguments: [#"A="open"#, "A='open", #"A="x" trailing"#, #"A="bad \q""#, "A='x'y"])
    func malformedQuotingIsAnError(line: String) {
        #expect(errorKey(line) == "test.env:1")
    }

    @Test func errorDescriptionNamesFileAndLine() {
        do {
            _ = try DotEnv.parse("A=1\nnope", file: "/etc/gatehouse.env")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("invalid configuration: /etc/gatehouse.env:2: "))
        }
    }

    @Test(arguments: ["plain", "", "two words", "q\"uote", "back\\slash", "$HOME", "a#b", "x\ny\tz", "'single'"])
    func quoteRoundTrips(value: String) throws {
        #expect(try parse("K=" + DotEnv.quote(value)) == [["K", value]])
    }
}
