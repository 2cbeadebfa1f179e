import CQREncode

/// A QR code's module grid from libqrencode, drawn as SVG path data: the enrolment page
/// shows the `otpauth://` URI as an inline image, with no script and no image file.
///
/// The one Swift file that imports `CQREncode`.
public struct QRCode: Sendable, Equatable {
    /// Modules per side, without the quiet zone.
    public let width: Int
    /// Row-major, `true` for a dark module.
    public let modules: [Bool]
    /// Light modules around the symbol that readers need (ISO/IEC 18004).
    public static let quietZone = 4

    /// The QR code of `text` (byte mode, error correction level M), or `nil` when
    /// libqrencode cannot encode it (too long, or it holds a NUL).
    public init?(_ text: String) {
        guard !text.utf8.contains(0) else { return nil }
        guard let symbol = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        guard width > 0, let data = symbol.pointee.data else { return nil }
        self.width = width
        // Bit 0 of each byte is the module's colour; the other bits are libqrencode's notes.
        modules = (0..<width * width).map { data[$0] & 1 == 1 }
    }

    /// Whether the module at column `x`, row `y` is dark.
    public func isDark(x: Int, y: Int) -> Bool {
        modules[y * width + x]
    }

    /// Side of the SVG's viewBox: the symbol and its quiet zone, one unit per module.
    public var viewBoxSize: Int { width + 2 * Self.quietZone }

    /// SVG path data filling every dark module, each horizontal run as one rectangle.
    public var svgPath: String {
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < width, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return path
    }
}
