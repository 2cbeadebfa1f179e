extension String {
    /// The text of `bytes` when they are valid UTF-8, else `nil`.
    ///
    /// ASCII, which cookies, scope names and most form fields are, is checked by one
    /// loop and copied; only other bytes take the standard library's validation, whose
    /// generic entry point looks up type metadata on every call.
    init?(utf8Bytes bytes: UnsafeBufferPointer<UInt8>) {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        if high < 0x80 {
            self.init(decoding: bytes, as: UTF8.self)
        } else if let text = String(validating: bytes, as: UTF8.self) {
            self = text
        } else {
            return nil
        }
    }

    /// `init?(utf8Bytes:)` on a slice of a buffer.
    init?(utf8Bytes bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        self.init(utf8Bytes: UnsafeBufferPointer(rebasing: bytes))
    }

    /// `init?(utf8Bytes:)` on an array.
    init?(utf8Bytes bytes: [UInt8]) {
        guard let text = bytes.withUnsafeBufferPointer({ String(utf8Bytes: $0) }) else { return nil }
        self = text
    }
}
