/// HTML escaping of interpolated text, done on UTF-8 bytes straight into the page buffer.
///
/// `& < > " '` become `&amp; &lt; &gt; &quot; &#39;`, enough for element content
/// and quoted attribute values. Runs of safe bytes are copied in one call; no
/// intermediate `String` is built.
enum HTMLEscape {
    /// Appends `text` to `buffer`, escaped when `escaped` is true.
    static func append(_ text: String, escaped: Bool, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if escaped {
                append(bytes, to: &buffer)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }
    }

    /// Appends `bytes` to `buffer` with the five HTML-special characters escaped.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for index in bytes.indices {
            let replacement: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default: continue
            }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            replacement.withUTF8Buffer { buffer.append(contentsOf: $0) }
            runStart = index + 1
        }
        if runStart < bytes.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// Appends the decimal digits of `value` without going through `String`.
    static func append(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        var low = start, high = buffer.count - 1
        while low < high {
            buffer.swapAt(low, high)
            low += 1
            high -= 1
        }
    }
}
