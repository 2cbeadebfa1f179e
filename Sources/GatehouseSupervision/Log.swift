#if hasFeature(Embedded)
import CSupervisorLibc
#else
import Glibc
#endif

/// Writes one logfmt line per event to stderr (`time=... event=... key=value`).
///
/// Also compiled into `gatehouse-supervisor` (Embedded Swift, see Supervisor.swift), so it
/// works on UTF-8 bytes: comparing or hashing `String`s there would need Unicode tables
/// that process does not carry. `Log+Fields.swift` adds the dictionary form the rest of
/// Gatehouse calls.
public enum Log {
    /// Logs `event` with `fields` in the order given (list them by key, as the dictionary
    /// form sorts them); values are quoted when needed.
    public static func event(_ event: String, _ fields: KeyValuePairs<String, String>) {
        writeLine(event, fields)
    }

    /// Writes the line for `event` and `fields`, in the order given.
    static func writeLine(_ event: String, _ fields: some Sequence<(key: String, value: String)>) {
        var line = Array("time=\(timestamp()) event=\(event)".utf8)
        for (key, value) in fields {
            line.append(UInt8(ascii: " "))
            line += key.utf8
            line.append(UInt8(ascii: "="))
            appendQuoted(value, to: &line)
        }
        line.append(UInt8(ascii: "\n"))
        // One write(2) per line keeps lines from different threads whole.
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Appends `value` to `line`, in double quotes when it is empty or holds a space,
    /// `"`, `=`, `\` or a control character. Inside quotes, `"` and `\` are escaped, line
    /// breaks and tabs written as `\n`, `\r`, `\t` and other control bytes as `\xHH`, so
    /// no value can start a line of its own.
    package static func appendQuoted(_ value: String, to line: inout [UInt8]) {
        let needsQuotes = value.utf8.isEmpty || value.utf8.contains { byte in
            byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\\")
        }
        guard needsQuotes else {
            line += value.utf8
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        line.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): line += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): line += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): line += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): line += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20, 0x7F: line += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    /// RFC 3339 UTC time with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.utf8.count)) + text
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
