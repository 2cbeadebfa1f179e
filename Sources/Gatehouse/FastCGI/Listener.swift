import Glibc

/// Opens the socket that `LISTEN` names and hands its file descriptor to the workers.
public struct Listener: Sendable {
    /// The listening socket's file descriptor.
    public let socket: Int32
    /// The unix socket path to remove at exit, if Gatehouse created one.
    public let unixPath: String?

    /// Why a socket could not be opened.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong, with errno text.
        public let description: String
    }

    /// Opens `address`: creates and binds a unix or TCP socket, or adopts fd 0.
    /// - Throws: `Failure` naming the address and the system error.
    public static func open(_ address: ListenAddress, backlog: Int32 = 1024) throws(Failure) -> Listener {
        let listener: Listener
        switch address {
        case .stdin:
            var status = stat()
            guard fstat(0, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else {
                throw Failure(description: "LISTEN=stdin: file descriptor 0 is not a socket (start Gatehouse from spawn-fcgi or a supervisor)")
            }
            listener = Listener(socket: 0, unixPath: nil)
        case .unix(let path):
            listener = Listener(socket: try openUnix(path: path, backlog: backlog), unixPath: path)
        case .tcp(let host, let port):
            listener = Listener(socket: try openTCP(host: host, port: port, backlog: backlog), unixPath: nil)
        }
        // Non-blocking, because several processes may wait on the same socket: the ones
        // that lose the race for a connection get EAGAIN instead of sleeping in accept.
        _ = fcntl(listener.socket, F_SETFL, fcntl(listener.socket, F_GETFL) | O_NONBLOCK)
        return listener
    }

    /// Closes the socket and removes the unix socket file.
    public func close() {
        _ = Glibc.close(socket)
        if let unixPath { _ = unlink(unixPath) }
    }

    private static func systemError(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func openUnix(path: String, backlog: Int32) throws(Failure) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(description: "LISTEN: unix socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw systemError("socket") }
        // A socket file left by a killed run would make bind fail; nobody listens on it.
        _ = unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let failure = systemError("bind \(path)")
            _ = Glibc.close(fd)
            throw failure
        }
        // Whoever may connect can speak FastCGI and so claim any REMOTE_ADDR or HTTPS: only
        // this user and its group (the web server's way in) may. No one can connect before
        // listen(), so the mode is in force before the first connection.
        guard chmod(path, 0o660) == 0 else {
            let failure = systemError("chmod \(path)")
            _ = Glibc.close(fd)
            _ = unlink(path)
            throw failure
        }
        guard listen(fd, backlog) == 0 else { throw systemError("listen \(path)") }
        return fd
    }

    private static func openTCP(host: String, port: Int, backlog: Int32) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "LISTEN: cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw systemError("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let failure = systemError("bind \(host):\(port)")
            _ = Glibc.close(fd)
            throw failure
        }
        guard listen(fd, backlog) == 0 else { throw systemError("listen \(host):\(port)") }
        return fd
    }
}
