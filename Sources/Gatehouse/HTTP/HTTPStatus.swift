/// An HTTP status code with the reason phrase written on the `Status:` line.
public struct HTTPStatus: Sendable, Equatable, Hashable {
    /// The numeric code, e.g. 200.
    public let code: Int
    /// The reason phrase, e.g. "OK".
    public let reason: String
    /// `Status: 200 OK\r\n`, the first line of the response head, built once.
    let statusLine: [UInt8]

    /// Creates a status from its code and reason phrase.
    public init(_ code: Int, _ reason: String) {
        self.code = code
        self.reason = reason
        statusLine = Array("Status: \(code) \(reason)\r\n".utf8)
    }

    public static func == (lhs: HTTPStatus, rhs: HTTPStatus) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(reason)
    }

    public static let ok = HTTPStatus(200, "OK")
    public static let noContent = HTTPStatus(204, "No Content")
    public static let seeOther = HTTPStatus(303, "See Other")
    public static let badRequest = HTTPStatus(400, "Bad Request")
    public static let unauthorized = HTTPStatus(401, "Unauthorized")
    public static let forbidden = HTTPStatus(403, "Forbidden")
    public static let notFound = HTTPStatus(404, "Not Found")
    public static let methodNotAllowed = HTTPStatus(405, "Method Not Allowed")
    public static let payloadTooLarge = HTTPStatus(413, "Payload Too Large")
    public static let unsupportedMediaType = HTTPStatus(415, "Unsupported Media Type")
    public static let tooManyRequests = HTTPStatus(429, "Too Many Requests")
    public static let internalServerError = HTTPStatus(500, "Internal Server Error")
    public static let serviceUnavailable = HTTPStatus(503, "Service Unavailable")

    /// Every status Gatehouse answers with, by code (the label set of `/metrics`).
    static let all: [HTTPStatus] = [
        .ok, .noContent, .seeOther, .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed,
        .payloadTooLarge, .unsupportedMediaType, .tooManyRequests, .internalServerError, .serviceUnavailable,
    ]
}
