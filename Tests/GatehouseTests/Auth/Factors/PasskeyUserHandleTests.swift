import Testing

@testable import Gatehouse

/// The user handle: stable per user and key, different across users and keys, and checked
/// against the passkey's owner.
@Suite struct PasskeyUserHandleTests {
    let handles = PasskeyUserHandle(secretKey: Array("test-secret-key-0123456789abcdef-0123".utf8))

    @Test("32 bytes, the same for a user every time, different for another user or SECRET_KEY")
    func stable() {
        #expect(handles.handle(for: 7).count == 32)
        #expect(handles.handle(for: 7) == handles.handle(for: 7))
        #expect(handles.handle(for: 7) != handles.handle(for: 8))
        let other = PasskeyUserHandle(secretKey: Array("another-secret-key-0123456789abcdef-0".utf8))
        #expect(other.handle(for: 7) != handles.handle(for: 7))
    }

    @Test("a handle naming another user, or none in a passkey-only sign-in, is refused")
    func check() throws {
        try handles.check(handles.handle(for: 7), owner: 7, identifiedBefore: false)
        try handles.check(nil, owner: 7, identifiedBefore: true)
        #expect(throws: WebAuthnError.wrongUser) { try handles.check(handles.handle(for: 8), owner: 7, identifiedBefore: true) }
        #expect(throws: WebAuthnError.wrongUser) { try handles.check(nil, owner: 7, identifiedBefore: false) }
        #expect(throws: WebAuthnError.wrongUser) { try handles.check([], owner: 7, identifiedBefore: false) }
    }
}
