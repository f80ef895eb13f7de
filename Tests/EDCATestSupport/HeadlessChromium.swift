import Foundation

/// Why driving Chromium failed.
package struct ChromiumError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

/// Debian's Chromium, headless, driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: the browser
/// reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4), so no port is opened.
///
/// One page is attached in flat session mode; events (console messages, exceptions, page load) are kept in
/// ``events`` in arrival order.
package final class HeadlessChromium {
    /// The browser's process id.
    package let pid: Int32
    private let commands: Int32
    private let replies: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var sessionID = ""
    private let profile: TemporaryDirectory
    private var exited = false
    /// Every event received so far, as decoded JSON objects.
    package private(set) var events: [[String: Any]] = []

    /// Where Debian installs Chromium.
    package static let executable = "/usr/bin/chromium"

    /// Starts Chromium with a fresh profile and a `width`×`height` window, and attaches to its page.
    package init(width: Int = 1280, height: Int = 900) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw ChromiumError(
                "\(Self.executable) is missing: run scripts/install-dependencies (Debian package chromium)")
        }
        profile = try TemporaryDirectory()
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw ChromiumError("pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in [toBrowser[1], fromBrowser[0]] { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // Keep the child's ends above 4, so that dup2 onto 3 and 4 always makes a fresh, inheritable descriptor.
        let childRead = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10)
        let childWrite = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        close(toBrowser[0])
        close(fromBrowser[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, profile.path + "/chromium.log", O_WRONLY | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, childRead, 3)
        posix_spawn_file_actions_adddup2(&actions, childWrite, 4)
        var arguments = [
            Self.executable, "--headless", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--user-data-dir=\(profile.path)/profile", "--window-size=\(width),\(height)", "about:blank",
        ]
        // Chromium refuses to run as root with its sandbox on; the tests run as root in CI.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, Self.executable, &actions, nil, argv, environ)
        close(childRead)
        close(childWrite)
        guard status == 0 else {
            close(toBrowser[1])
            close(fromBrowser[0])
            throw ChromiumError("cannot start \(Self.executable): \(String(cString: strerror(status)))")
        }
        pid = child
        commands = toBrowser[1]
        replies = fromBrowser[0]
        let targets = try send("Target.getTargets", session: false)
        let infos = (targets["targetInfos"] as? [[String: Any]]) ?? []
        guard let page = infos.first(where: { $0["type"] as? String == "page" }), let id = page["targetId"] as? String
        else { throw ChromiumError("no page target in \(infos)") }
        let attached = try send("Target.attachToTarget", ["targetId": id, "flatten": true], session: false)
        sessionID = attached["sessionId"] as? String ?? ""
        for domain in ["Page", "Runtime", "Log"] { _ = try send("\(domain).enable") }
    }

    deinit {
        quit()
    }

    /// Closes the browser (Browser.close, then SIGKILL if it lingers) and reaps it. Idempotent.
    package func quit() {
        guard !exited else { return }
        exited = true
        _ = try? send("Browser.close", session: false, timeout: .seconds(5))
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(5))
        while clock.now < end, waitpid(pid, nil, WNOHANG) != pid { usleep(20_000) }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
        close(commands)
        close(replies)
    }

    /// Sends one DevTools command (to the page's session unless `session` is false) and returns its result.
    @discardableResult
    package func send(
        _ method: String, _ parameters: [String: Any] = [:], session: Bool = true, timeout: Duration = .seconds(60)
    ) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if session { message["sessionId"] = sessionID }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ChromiumError("write to Chromium: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let reply = try nextMessage(until: deadline, waitingFor: method)
            if reply["id"] as? Int == id {
                if let error = reply["error"] { throw ChromiumError("\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if reply["method"] != nil { events.append(reply) }
        }
    }

    /// Loads `url` and waits for its load event.
    package func navigate(_ url: String, timeout: Duration = .seconds(60)) throws {
        let loadsBefore = events.count { $0["method"] as? String == "Page.loadEventFired" }
        try send("Page.navigate", ["url": url])
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while events.count(where: { $0["method"] as? String == "Page.loadEventFired" }) == loadsBefore {
            let message = try nextMessage(until: deadline, waitingFor: "Page.loadEventFired")
            if message["method"] != nil { events.append(message) }
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value (promises are awaited); a thrown
    /// exception is an error.
    @discardableResult
    package func evaluate(_ expression: String) throws -> Any? {
        let result = try send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw ChromiumError("\(expression): \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Console errors, uncaught exceptions and error log entries seen so far, as text.
    package var errors: [String] {
        events.compactMap { event in
            let parameters = event["params"] as? [String: Any] ?? [:]
            switch event["method"] as? String {
            case "Runtime.exceptionThrown":
                return "exception: \(parameters["exceptionDetails"] ?? "")"
            case "Runtime.consoleAPICalled" where ["error", "assert"].contains(parameters["type"] as? String):
                return "console.error: \(parameters["args"] ?? "")"
            case "Log.entryAdded":
                let entry = parameters["entry"] as? [String: Any] ?? [:]
                return entry["level"] as? String == "error" ? "log: \(entry["text"] ?? "")" : nil
            default:
                return nil
            }
        }
    }

    private func nextMessage(until deadline: ContinuousClock.Instant, waitingFor what: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeFirst(end + 1)
                guard let object = try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                    throw ChromiumError("not a JSON object from Chromium")
                }
                return object
            }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw ChromiumError("no \(what) from Chromium in time") }
            var descriptor = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + 1, 60_000))
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = read(replies, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw ChromiumError("Chromium closed its DevTools pipe (exited?)") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
