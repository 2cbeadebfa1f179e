import Foundation
@testable import Gatehouse
import Testing

@Suite("CGI detection and the process environment")
struct CGIDetectionTests {
    @Test("ProcessEnvironment.current() matches Foundation's view of the environment")
    func environmentMatches() {
        let ours = ProcessEnvironment.current()
        let theirs = ProcessInfo.processInfo.environment
        #expect(ours == theirs)
        #expect(ours["PATH"] == String(cString: getenv("PATH")))
    }

    @Test("CGI needs GATEWAY_INTERFACE; the test runner's stdin is no listening socket")
    func gatewayInterface() {
        #expect(!StandardInput.isListeningSocket)
        #expect(CGIResponder.isCGIRequest(environment: ["GATEWAY_INTERFACE": "CGI/1.1"]))
        #expect(!CGIResponder.isCGIRequest(environment: ["REQUEST_METHOD": "GET"]))
    }
}
