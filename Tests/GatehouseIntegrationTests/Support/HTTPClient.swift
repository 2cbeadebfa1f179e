import Foundation

/// A raw HTTP/1.1 client over a loopback socket: no redirect following, no cookie jar,
/// every header visible, so tests see exactly what nginx sent.
struct HTTPClient {
    /// One answer.
    struct Answer {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        func headers(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        /// The value of cookie `name` set by this answer, if any.
        func cookie(_ name: String) -> String? {
            for value in headers("Set-Cookie") where value.hasPrefix(name + "=") {
                return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
            }
            return nil
        }
    }

    let port: Int
    /// The `Host` header, `127.0.0.1:<port>` unless given (nginx picks a server by it).
    var host: String? = nil

    /// The origin a browser on this client's host sends with a form.
    var origin: String { "http://" + (host ?? "127.0.0.1:\(port)") }

    /// Sends one request and reads the whole answer (the connection is closed after it);
    /// `sent` runs once the request is written, before the answer is read.
    func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = [],
              sent: () -> Void = {}) throws -> Answer {
        let fd = try LoopbackSocket.connect(port: port, timeoutSeconds: 15)
        defer { close(fd) }
        // A `Host` among `headers` replaces the client's own (passkeys need `localhost`); that
        // is `host`, else the loopback address.
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(headers["Host"] ?? host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for (name, value) in headers where name != "Host" { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var written = 0
        while written < request.count {
            let n = request[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }  // the server may answer early (413) and close
            written += n
        }
        sent()
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        return try HTTPClient.parse(response)
    }

    /// Form-encodes `fields` and POSTs them.
    func post(_ target: String, form fields: [(String, String)], headers: [String: String] = [:],
              sent: () -> Void = {}) throws -> Answer {
        var all = headers
        all["Content-Type"] = "application/x-www-form-urlencoded"
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try send("POST", target, headers: all, body: Array(body.utf8), sent: sent)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    private static func parse(_ raw: [UInt8]) throws -> Answer {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let split = raw.firstRange(of: separator) else { throw ClientError("no header end in \(raw.count) bytes") }
        let headText = String(decoding: raw[..<split.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError("bad status line") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[split.upperBound...])
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased() == "chunked" }) {
            body = dechunk(body)
        }
        return Answer(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].firstRange(of: Array("\r\n".utf8)) else { break }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            out.append(contentsOf: data[start..<min(start + size, data.count)])
            index = start + size + 2
        }
        return out
    }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
