@testable import Gatehouse
import Testing

@Suite("Text from UTF-8 bytes")
struct UTF8TextTests {
    @Test("ASCII and well-formed multi-byte text come back as sent", arguments: [
        "", "session", "Jürgen ✓", "日本語", "emoji 🙂 at the end 🙂",
    ])
    func wellFormed(text: String) {
        #expect(String(utf8Bytes: Array(text.utf8)) == text)
    }

    @Test("Malformed bytes are refused, not repaired", arguments: [
        [0xFF], [0x61, 0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x80, 0x62],
    ] as [[UInt8]])
    func malformed(bytes: [UInt8]) {
        #expect(String(utf8Bytes: bytes) == nil)
    }
}
