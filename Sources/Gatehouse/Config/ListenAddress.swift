/// Where the FastCGI responder listens (`LISTEN`).
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A Unix domain socket at `path` (`unix:PATH`; relative to the working directory).
    case unix(path: String)
    /// A TCP socket (`HOST:PORT`). `host` is empty for every interface, and an IPv6
    /// address is stored without its brackets (`[::1]:9000` gives `host: "::1"`).
    case tcp(host: String, port: Int)
    /// The socket inherited on file descriptor 0 (spawn-fcgi, mod_fcgid).
    case stdin

    /// The longest Unix socket path `sockaddr_un.sun_path` holds, in bytes.
    static let maxUnixPathBytes = 107

    /// Parses `unix:PATH`, `HOST:PORT` or `stdin`.
    ///
    /// HOST may be empty, an IPv4 address, a host name such as `localhost`, or an
    /// IPv6 address in brackets; PORT is 1–65535.
    /// - Throws: `ConfigurationError` with key `LISTEN` naming what is wrong.
    public init(parsing text: String) throws(ConfigurationError) {
        func failure(_ why: String) -> ConfigurationError {
            ConfigurationError(
                key: "LISTEN",
                message: "\(why); expected unix:PATH, HOST:PORT or stdin, got \"\(text)\"")
        }
        if text == "stdin" {
            self = .stdin
            return
        }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { throw failure("empty socket path") }
            guard path.utf8.count <= Self.maxUnixPathBytes else {
                throw failure("socket path longer than \(Self.maxUnixPathBytes) bytes")
            }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":") else { throw failure("missing port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Self.port(portText) else { throw failure("port must be 1–65535") }
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count >= 2 else {
                throw failure("unbalanced brackets")
            }
            host = String(host.dropFirst().dropLast())
            guard NetworkAddress.isIPv6(host) else { throw failure("invalid IPv6 address") }
        } else if host.contains(":") {
            throw failure("an IPv6 address must be in brackets")
        } else if !host.isEmpty, !NetworkAddress.isIPv4(host), !Self.isHostName(host) {
            throw failure("invalid host")
        }
        self = .tcp(host: host, port: port)
    }

    /// The `LISTEN` spelling of this address; parsing it gives the same address back.
    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port) where host.contains(":"): "[\(host)]:\(port)"
        case .tcp(let host, let port): "\(host):\(port)"
        case .stdin: "stdin"
        }
    }

    /// A decimal port number 1–65535 (digits only), else `nil`.
    static func port(_ text: Substring) -> Int? {
        guard (1...5).contains(text.utf8.count),
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let port = Int(text), (1...65535).contains(port)
        else { return nil }
        return port
    }

    /// True for an RFC 1123 host name: dot-separated labels of letters, digits and
    /// inner hyphens, not all digits (a digits-and-dots name must be a valid IPv4).
    static func isHostName(_ text: String) -> Bool {
        guard text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let allNumeric = labels.allSatisfy { label in
            label.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        guard !allNumeric else { return false }
        return labels.allSatisfy { label in
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, bytes.count <= 63,
                first != UInt8(ascii: "-"), last != UInt8(ascii: "-")
            else { return false }
            return bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
        }
    }
}
