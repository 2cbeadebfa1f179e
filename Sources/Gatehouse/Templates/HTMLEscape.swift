/// HTML escaping of interpolated text, done on UTF-8 bytes straight into the output.
///
/// `& < > " '` become `&amp; &lt; &gt; &quot; &#39;`, enough for element content
/// and quoted attribute values. Runs of safe bytes are copied in one call; no
/// intermediate `String` is built.
enum HTMLEscape {
    /// Appends `text` to `output`, escaped when `escaped` is true.
    static func append(_ text: String, escaped: Bool, to output: inout TemplateOutput) {
        var text = text
        text.withUTF8 { bytes in
            if escaped {
                append(bytes, to: &output)
            } else {
                output.append(bytes)
            }
        }
    }

    /// Appends `bytes` to `output` with the five HTML-special characters escaped.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
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
                output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            output.append(replacement)
            runStart = index + 1
        }
        if runStart < bytes.count {
            output.append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// Appends the decimal digits of `value` without going through `String`.
    static func append(_ value: Int, to output: inout TemplateOutput) {
        // 20 digits and a sign cover Int.min; digits are written from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { digits in
            var magnitude = value.magnitude
            var first = digits.count
            repeat {
                first -= 1
                digits[first] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                first -= 1
                digits[first] = UInt8(ascii: "-")
            }
            output.append(UnsafeBufferPointer(rebasing: digits[first...]))
        }
    }
}
