import Testing

@testable import Gatehouse

/// libqrencode's grid as the enrolment page draws it.
@Suite struct QRCodeTests {
    @Test("An otpauth URI gives a symbol of a QR version's size with its three finder patterns")
    func symbol() throws {
        let uri = TOTP.uri(secret: Array(repeating: 0xAB, count: 20), issuer: "Gatehouse", username: "someone.long@example")
        let code = try #require(QRCode(uri))
        #expect((code.width - 17) % 4 == 0 && code.width >= 21)
        // Finder patterns: a dark 7×7 ring around a light ring around a dark 3×3 centre.
        for (left, top) in [(0, 0), (code.width - 7, 0), (0, code.width - 7)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    #expect(code.isDark(x: left + x, y: top + y) == (ring != 2), "(\(left + x), \(top + y))")
                }
            }
        }
        #expect(code.viewBoxSize == code.width + 8)
        let path = code.svgPath
        #expect(path.hasPrefix("M4 4h7v1h-7z"))
        #expect(path.utf8.allSatisfy { "0123456789Mhvz- ".utf8.contains($0) })
    }

    @Test("Text no QR code can hold, or with a NUL, gives none")
    func refused() {
        #expect(QRCode(String(repeating: "x", count: 8000)) == nil)
        #expect(QRCode("a\u{0}b") == nil)
    }
}
