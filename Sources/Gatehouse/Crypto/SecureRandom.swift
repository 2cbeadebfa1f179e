import CLinux
import Glibc

/// Random bytes from the kernel's CSPRNG (`getrandom`), for session tokens and salts.
///
/// The kernel's generator is what OpenSSL's own seeds from; asking it directly keeps a
/// worker from setting up OpenSSL's provider machinery (about 2 MB of resident pages per
/// process) just to draw 32 bytes.
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// A failing CSPRNG cannot be worked around (no safe token or salt could be made),
    /// so failure traps instead of throwing.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: bad count \(count)")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // getrandom may return fewer bytes than asked for (above 256), or EINTR.
            while initialized < count {
                let got = getrandom(buffer.baseAddress! + initialized, count - initialized, 0)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { fatalError("getrandom failed: errno \(errno)") }
                initialized += got
            }
        }
    }
}
