import Foundation
import Synchronization

/// A TCP endpoint on a loopback address that misbehaves the way a broken or hostile network does, for fault tests
/// that need no root: it never answers, or it closes the connection in the middle of the SSH key exchange.
package final class HostileListener: Sendable {
    /// How the endpoint misbehaves.
    package enum Behaviour: Sendable {
        /// A blackholed address: the listening socket's accept queue (backlog 0) is filled by one connection of the
        /// listener's own and nothing is ever accepted, so the kernel drops every further SYN and a client's connect
        /// waits until its own timeout, as for an address whose packets a firewall drops.
        case blackhole
        /// Accepts, sends an OpenSSH for Windows identification line, waits for the client's first key exchange
        /// bytes, then closes the connection: a server that goes away during the key exchange.
        case closesDuringKeyExchange
    }

    /// The address listened on.
    package let host: String
    /// The port listened on.
    package let port: Int
    private let listening: Int32
    private let filler: Int32
    private let serving = ServingState()

    /// Listens on `host` (an IPv4 loopback address) on a free port and starts misbehaving at once.
    package init(_ behaviour: Behaviour, host: String = "127.0.0.1") throws {
        self.host = host
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SSHServerFixtureError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw SSHServerFixtureError("not an IPv4 address: \(host)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let backlog: Int32 = behaviour == .blackhole ? 0 : 16
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
                    && listen(descriptor, backlog) == 0
            }
        }
        guard ready else {
            close(descriptor)
            throw SSHServerFixtureError("cannot listen on \(host): errno \(errno)")
        }
        listening = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        switch behaviour {
        case .blackhole:
            // With backlog 0 the queue holds one connection; this one fills it for good.
            filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(filler)
                close(descriptor)
                throw SSHServerFixtureError("cannot fill the accept queue of \(host):\(port): errno \(errno)")
            }
            serving.finished.withLock { $0 = true }
        case .closesDuringKeyExchange:
            filler = -1
            // The thread holds only the socket and the shared state, never `self`, so `deinit` can stop it.
            Thread.detachNewThread { [serving] in
                Self.serveClosingDuringKeyExchange(descriptor, until: serving)
                serving.finished.withLock { $0 = true }
            }
        }
    }

    deinit {
        stop()
    }

    /// Stops misbehaving, waits for the serving thread to notice (at most ~100 ms), and closes the sockets.
    /// Idempotent.
    package func stop() {
        guard !serving.stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        while !serving.finished.withLock({ $0 }) { usleep(10_000) }
        if filler >= 0 { close(filler) }
        close(listening)
    }

    /// Accepts connections until stopped: each gets an identification line, is read for up to 500 ms (the client's
    /// identification and KEXINIT), then closed.
    private static func serveClosingDuringKeyExchange(_ listening: Int32, until serving: ServingState) {
        let identification = Array("SSH-2.0-OpenSSH_for_Windows_9.5\r\n".utf8)
        while !serving.stopping.load(ordering: .sequentiallyConsistent) {
            guard readable(listening, milliseconds: 100) else { continue }
            let client = accept(listening, nil, nil)
            guard client >= 0 else { continue }
            _ = identification.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var received = 0
            // The client's identification line and its KEXINIT come in one or two segments.
            while received < 64, readable(client, milliseconds: 500) {
                let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += count
            }
            close(client)
        }
    }

    private static func readable(_ descriptor: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) == 1
    }
}

/// What the serving thread and its owner share: the request to stop, and whether the thread has finished.
private final class ServingState: Sendable {
    let stopping = Atomic<Bool>(false)
    let finished = Mutex<Bool>(false)
}
