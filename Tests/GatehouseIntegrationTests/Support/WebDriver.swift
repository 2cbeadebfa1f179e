import Foundation
import TestSupport

/// A small W3C WebDriver client driving headless Chromium through Debian's `chromedriver`.
///
/// `chromedriver --port=N` runs as a child on a free loopback port; every command is one
/// HTTP/1.1 request with a JSON body on a connection of its own. `quit()` ends the session, the
/// browser and the driver, and removes the browser profile; it is safe to call twice and
/// runs from `deinit` too, so a failing test leaves no Chromium behind.
final class WebDriver {
    /// A DOM element found by CSS selector.
    struct Element {
        let id: String
    }

    /// The key W3C WebDriver uses for element references in JSON.
    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    private let driver: ChildProcess
    private let port: Int
    private let directory: String
    private var session: String?
    private var browserPID: Int32?
    private var stopped = false

    /// Starts chromedriver and a headless Chromium session with a window of `width`×`height`;
    /// `arguments` are added to Chromium's command line (e.g. `--host-resolver-rules=…`).
    init(width: Int = 1280, height: Int = 900, arguments: [String] = []) throws {
        for program in ["/usr/bin/chromedriver", "/usr/bin/chromium"] where !FileManager.default.isExecutableFile(atPath: program) {
            throw ClientError("\(program) is missing: run `scripts/install-deps.sh --tests` (Debian's chromium and chromium-driver)")
        }
        directory = try TestEnvironment.temporaryDirectory("gatehouse-webdriver")
        port = TestEnvironment.freePort()
        let log = directory + "/chromedriver.log"
        driver = try ChildProcess.start("/usr/bin/chromedriver", ["--port=\(port)"],
                                        outputPath: log, errorPath: log, directory: directory)
        do {
            try Stack.waitFor(seconds: 15) {
                (try? command("GET", "/status", nil) as? [String: Any])?["ready"] as? Bool == true
            }
            let capabilities: [String: Any] = [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": "/usr/bin/chromium",
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=\(width),\(height)",
                             "--user-data-dir=\(directory)/profile", "--lang=en-US", "--disable-extensions",
                             "--disable-crash-reporter", "--hide-scrollbars"] + arguments,
                ] as [String: Any],
            ]
            let value = try command("POST", "/session", ["capabilities": ["alwaysMatch": capabilities]])
            guard let object = value as? [String: Any], let id = object["sessionId"] as? String else {
                throw ClientError("chromedriver answered no session id: \(String(describing: value))")
            }
            session = id
            browserPID = ((object["capabilities"] as? [String: Any])?["goog:processID"] as? NSNumber)?.int32Value
        } catch {
            let log = driverLog
            quit()
            throw ClientError("cannot start Chromium through chromedriver: \(error)\n\(log)")
        }
    }

    deinit { quit() }

    /// chromedriver's own output so far (for failure messages).
    var driverLog: String {
        (try? String(contentsOfFile: directory + "/chromedriver.log", encoding: .utf8)) ?? ""
    }

    // MARK: Commands

    /// Opens `url` and waits for the page to load.
    func navigate(to url: String) throws {
        try sessionCommand("POST", "/url", ["url": url])
    }

    /// The address of the page shown now.
    func currentURL() throws -> String {
        try sessionCommand("GET", "/url") as? String ?? ""
    }

    /// The document's title.
    func title() throws -> String {
        try sessionCommand("GET", "/title") as? String ?? ""
    }

    /// The page's current HTML.
    func pageSource() throws -> String {
        try sessionCommand("GET", "/source") as? String ?? ""
    }

    /// The first element matching `selector`, waiting up to `seconds` for it to appear.
    func find(_ selector: String, seconds: Double = 5) throws -> Element {
        var found: Element?
        var lastError: (any Error)?
        do {
            try Stack.waitFor(seconds: seconds) {
                do {
                    let value = try sessionCommand("POST", "/element", ["using": "css selector", "value": selector])
                    found = (value as? [String: Any])?[Self.elementKey].flatMap { $0 as? String }.map(Element.init)
                } catch {
                    lastError = error
                }
                return found != nil
            }
        } catch {
            throw ClientError("no element matches \(selector): \(lastError.map { "\($0)" } ?? "")")
        }
        guard let found else { throw ClientError("no element matches \(selector)") }
        return found
    }

    /// Types `text` into `element`.
    func sendKeys(_ text: String, to element: Element) throws {
        try sessionCommand("POST", "/element/\(element.id)/value", ["text": text])
    }

    /// Empties the text field `element`.
    func clear(_ element: Element) throws {
        try sessionCommand("POST", "/element/\(element.id)/clear", [:])
    }

    /// Clicks `element` (a click that submits a form waits for the next page).
    func click(_ element: Element) throws {
        try sessionCommand("POST", "/element/\(element.id)/click", [:])
    }

    /// The rendered, visible text of `element`.
    func text(of element: Element) throws -> String {
        try sessionCommand("GET", "/element/\(element.id)/text") as? String ?? ""
    }

    /// Whether `element` is shown (not `display: none`, not zero-sized).
    func isDisplayed(_ element: Element) throws -> Bool {
        try sessionCommand("GET", "/element/\(element.id)/displayed") as? Bool ?? false
    }

    /// The visible text of the whole page, read in one script so that no element reference
    /// can go stale while a new page replaces the old one.
    func visibleText() throws -> String {
        try execute("return document.body ? document.body.innerText : ''") as? String ?? ""
    }

    /// Polls until the page's visible text contains `needle` (a form posted back to its own
    /// address has no new URL to wait for); returns the text.
    @discardableResult
    func waitForText(seconds: Double = 10, _ needle: String) throws -> String {
        var text = ""
        do {
            try Stack.waitFor(seconds: seconds) {
                text = (try? visibleText()) ?? text
                return text.contains(needle)
            }
        } catch {
            throw ClientError("the page never showed \"\(needle)\"; it shows: \(text.prefix(300))")
        }
        return text
    }

    /// Runs `script` (a function body; `return` gives the result) in the page.
    @discardableResult
    func execute(_ script: String) throws -> Any? {
        try sessionCommand("POST", "/execute/sync", ["script": script, "args": [Any]()])
    }

    /// Resizes the browser window (the viewport is as wide as the window in headless mode).
    func setWindowSize(width: Int, height: Int) throws {
        try sessionCommand("POST", "/window/rect", ["width": width, "height": height])
    }

    /// Writes a PNG of the viewport — or, with `fullPage`, of the whole page — to `path`.
    func screenshot(to path: String, fullPage: Bool = false) throws {
        let base64: String?
        if fullPage {
            // Chromium's DevTools command, passed through chromedriver: captures below the fold.
            let value = try sessionCommand("POST", "/goog/cdp/execute",
                                           ["cmd": "Page.captureScreenshot", "params": ["captureBeyondViewport": true]])
            base64 = (value as? [String: Any])?["data"] as? String
        } else {
            base64 = try sessionCommand("GET", "/screenshot") as? String
        }
        guard let base64, let png = Data(base64Encoded: base64) else { throw ClientError("no screenshot data") }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: url)
    }

    /// Polls until the current URL satisfies `condition`; returns it.
    @discardableResult
    func waitForURL(seconds: Double = 10, _ description: String, _ condition: (String) -> Bool) throws -> String {
        var url = ""
        do {
            try Stack.waitFor(seconds: seconds) {
                url = (try? currentURL()) ?? url
                return condition(url)
            }
        } catch {
            throw ClientError("the browser never reached \(description); it is at \(url)")
        }
        return url
    }

    /// Ends the session, Chromium and chromedriver; removes the profile. Idempotent.
    func quit() {
        guard !stopped else { return }
        stopped = true
        if let session {
            _ = try? command("DELETE", "/session/\(session)", nil)
        }
        // chromedriver leaves the browser running when it is killed itself: make sure it is gone.
        if let pid = browserPID {
            if (try? Stack.waitFor(seconds: 3, { !Self.isRunning(pid) })) == nil {
                kill(pid, SIGKILL)
            }
        }
        driver.send(SIGTERM)
        if (try? Stack.waitFor(seconds: 3, { driver.hasExited() != nil })) == nil {
            driver.send(SIGKILL)
            driver.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Wire protocol

    /// A command on the current session; returns the answer's `value`.
    @discardableResult
    func sessionCommand(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any? {
        guard let session, !stopped else { throw ClientError("no WebDriver session") }
        return try command(method, "/session/\(session)" + path, body)
    }

    /// Sends one command; returns the answer's `value`, or throws WebDriver's error.
    private func command(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any? {
        let json = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let (status, data) = try Self.exchange(port: port, method, path, json)
        let value = try Self.decode(data)["value"]
        guard status == 200 else {
            let error = value as? [String: Any]
            throw ClientError("WebDriver \(method) \(path): \(status) \(error?["error"] ?? "") "
                + "\((error?["message"] as? String)?.prefix(400) ?? "")")
        }
        return value is NSNull ? nil : value
    }

    /// One HTTP/1.1 exchange with chromedriver. It keeps the connection open even after
    /// `Connection: close`, so the body is read by its `Content-Length`, not to the end.
    private static func exchange(port: Int, _ method: String, _ path: String, _ body: [UInt8]) throws -> (Int, [UInt8]) {
        let fd = try LoopbackSocket.connect(port: port, timeoutSeconds: 60)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if method != "GET" { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ClientError("write to chromedriver failed") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var length: Int?
        while headerEnd == nil || response.count < headerEnd! + (length ?? Int.max) {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let end = response.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = end.upperBound
                let lines = String(decoding: response[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                }
            }
        }
        guard let headerEnd else { throw ClientError("chromedriver sent no complete answer to \(method) \(path)") }
        let statusLine = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError("bad status line from chromedriver") }
        return (status, Array(response[headerEnd...]))
    }

    private static func decode(_ body: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ClientError("WebDriver answered something other than a JSON object")
        }
        return object
    }

    /// Whether `pid` is alive (a zombie counts as gone).
    private static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }
}
