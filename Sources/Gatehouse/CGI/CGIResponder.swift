import GatehouseSupervision
import Glibc

/// Plain CGI: the web server starts `gatehouse` once per request, with the request in the
/// environment and its body on stdin; the answer goes to stdout and the process exits.
///
/// The same `Application` answers as under FastCGI, so pages and cookies are identical;
/// only the start-up (templates parsed, database connected) is paid on every request.
public enum CGIResponder {
    /// Whether this process was started as a CGI program: `GATEWAY_INTERFACE` is set and
    /// fd 0 is not a listening socket.
    ///
    /// A listening socket on fd 0 is FastCGI (spawn-fcgi, mod_fcgid). A pipe is CGI, and so
    /// is a *connected* socket: Apache's mod_cgid hands its CGI programs one as stdin.
    public static func isCGIRequest(environment: [String: String]) -> Bool {
        environment["GATEWAY_INTERFACE"] != nil && !StandardInput.isListeningSocket
    }

    /// Answers the one request described by `environment` and stdin on stdout.
    /// - Returns: the exit status: 0 once an answer was written, 1 if templates fail to parse.
    public static func run(configuration: Configuration, environment: [String: String]) -> Int32 {
        // A web server that hangs up early must not turn into a crash report.
        signal(SIGPIPE, SIG_IGN)
        let application: Application
        do {
            application = try Application(configuration: configuration)
        } catch {
            Log.event("cgi_failed", ["error": "\(error)"])
            answerUnavailable()
            return 1
        }
        let declared = environment["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0
        // An oversize body is refused unread (the page says 413), as under FastCGI.
        let body = declared > Request.maxBodySize ? [] : StandardInput.read(limit: declared)
        let request = Request(params: environment, body: body)
        if request.contentLength > Request.maxBodySize {
            // Drained so the web server is not cut off while it still writes the body.
            StandardInput.discard(limit: 1 << 20)
        }
        let database = DatabaseConnection(configuration: configuration)
        StandardOutput.write(application.respond(to: request, database: database).serialized())
        return 0
    }

    /// Writes a bare 500 for a start-up failure (bad configuration, broken template), so
    /// the browser gets an answer instead of the web server's "premature end of headers".
    public static func answerUnavailable() {
        let text = "Gatehouse cannot start; the web server's error log says why.\n"
        StandardOutput.write(Array((
            "Status: 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Cache-Control: no-store\r\nContent-Length: \(text.utf8.count)\r\n\r\n" + text).utf8))
    }
}
