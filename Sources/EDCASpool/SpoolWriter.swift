package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spool directory a SIEM forwarder tails: one active, append-only `findings.ndjson`, rotated by rename.
///
/// - Each event is one complete line written by one `write(2)` under `O_APPEND`; a failed or short write is cut
///   back off the file before the error is reported, so no partial line stays behind.
/// - ``appendHostBatch(_:)`` ends with `fdatasync`, so a host's events are durable once it returns; a scan appends
///   with ``appendBatch(_:)`` and makes batches durable together through a ``GroupCommit`` (one `fdatasync` for
///   all hosts finished while the previous one ran).
/// - ``open(directory:group:)`` repairs a torn last line (a crash or power loss in the middle of a write) by
///   truncating the file back to just after its last newline.
/// - One writer at a time: the caller holds the scan lock.
package final class SpoolWriter {
    /// The default spool directory.
    package static let defaultDirectory = "/var/lib/edca-agent/spool"
    /// The active file's name.
    package static let activeFileName = "findings.ndjson"
    /// The spool directory's mode.
    package static let directoryMode: mode_t = 0o750
    /// The mode of spool files.
    package static let fileMode: mode_t = 0o640

    /// The spool directory.
    package let directory: String
    /// The active file's path.
    package var activePath: String { directory + "/" + Self.activeFileName }
    /// The bytes a repair on open removed from the end of the active file (0 when its last line was whole).
    package private(set) var repairedBytes: Int = 0
    /// Problems that did not stop the spool, such as a group that could not be applied.
    package private(set) var warnings: [String] = []
    /// Where an active file holding events of another OCSF version was moved on open, if it was.
    package private(set) var formerVersionFile: String?

    private let groupID: gid_t?
    private var descriptor: Int32

    private init(directory: String, groupID: gid_t?, descriptor: Int32) {
        self.directory = directory
        self.groupID = groupID
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Opens the spool: creates the directory (0750; group `group` if given), opens or creates the active file
    /// (0640, whatever the umask), repairs a torn last line, and rotates an active file whose first event declares
    /// another OCSF version than `version` (an agent upgraded after an interrupted run), so that no file mixes
    /// versions; ``formerVersionFile`` and a warning say so.
    ///
    /// A group that does not exist or cannot be applied (not permitted) is skipped with a warning in ``warnings``.
    package static func open(
        directory: String = defaultDirectory, group: String? = nil, version: String = SpoolRun.ocsfVersion
    ) throws(SpoolError) -> SpoolWriter {
        try FileSystem.makeDirectories(directory, mode: directoryMode)
        guard chmod(directory, directoryMode) == 0 else { throw SpoolError.system(.directory, path: directory) }
        var warnings: [String] = []
        var groupID: gid_t?
        if let group {
            if let found = lookUpGroup(group) {
                groupID = found
                if chown(directory, uid_t.max, found) != 0 {
                    let reason = String(cString: strerror(errno))
                    warnings.append("spool group '\(group)' not applied to \(directory): \(reason)")
                    groupID = nil
                }
            } else {
                warnings.append("spool group '\(group)' does not exist; files keep the agent's group")
            }
        }
        let writer = SpoolWriter(directory: directory, groupID: groupID, descriptor: -1)
        writer.warnings = warnings
        try writer.openActiveFile()
        writer.repairedBytes = try writer.repairTornLine()
        if let found = try writer.firstEventVersion(), found != version {
            writer.formerVersionFile = try writer.rotate(at: Date())
            writer.warnings.append(
                "\(writer.activePath) held events of OCSF \(found), not \(version): moved to "
                    + "\(writer.formerVersionFile ?? "?"); this scan starts a new file")
        }
        return writer
    }

    /// The `metadata.version` of the active file's first event (within its first 1 KiB, where every spool line
    /// has it), or nil when the file is empty or the first line does not say.
    private func firstEventVersion() throws(SpoolError) -> String? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw SpoolError.system(.open, path: activePath) }
        let head = buffer[0..<count]
        let line = head.firstIndex(of: UInt8(ascii: "\n")).map { head[..<$0] } ?? head
        let text = String(decoding: line, as: UTF8.self)
        guard let metadata = text.range(of: #""metadata":{"#),
            let key = text.range(of: #""version":""#, range: metadata.upperBound..<text.endIndex),
            let end = text[key.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(text[key.upperBound..<end])
    }

    /// Appends one event line (without its newline, which is added): one `write(2)` of the whole line.
    ///
    /// - Throws: ``SpoolError`` (`write`, `diskFull`) after cutting any partial bytes back off the file.
    package func append(_ line: String) throws(SpoolError) {
        // The bytes are copied once, with the newline, and checked as they are (a scan appends tens of events per
        // host: the generic `contains` and a String concatenation were a measurable share of its CPU).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.utf8.count + 1)
        bytes.append(contentsOf: line.utf8)
        guard !Self.hasNewline(bytes) else {
            throw SpoolError(.write, path: activePath, reason: "an event line must not contain a newline")
        }
        bytes.append(UInt8(ascii: "\n"))
        var before = stat()
        guard fstat(descriptor, &before) == 0 else { throw SpoolError.system(.write, path: activePath) }
        guard let failure = FileSystem.writeOnce(descriptor, bytes, path: activePath) else {
            return
        }
        if failure.written > 0 || failureLeftBytes(after: before.st_size) {
            // Cut the partial line off so that a tailer never sees it completed by the next event.
            while ftruncate(descriptor, before.st_size) != 0 && errno == EINTR {}
        }
        throw failure.error
    }

    /// Appends a host's event lines, then `fdatasync`: once this returns, the host's events survive a power loss.
    package func appendHostBatch(_ lines: [String]) throws(SpoolError) {
        try appendBatch(lines)
        try sync()
    }

    /// Appends event lines without a sync: the caller makes them durable (``sync()``, or a ``GroupCommit`` over
    /// ``syncer``) before it reports them written.
    package func appendBatch(_ lines: [String]) throws(SpoolError) {
        for line in lines { try append(line) }
    }

    /// `fdatasync` of the active file.
    package func sync() throws(SpoolError) {
        try syncer()
        syncCount += 1
    }

    /// How many times ``sync()`` ran (the ``syncer``'s calls are its caller's to count).
    package private(set) var syncCount = 0

    /// `fdatasync` of the active file, callable from any thread: a ``GroupCommit`` runs it away from the writer.
    /// It stays valid until the next ``rotate(at:)``, which opens another file.
    package var syncer: @Sendable () throws(SpoolError) -> Void {
        let descriptor = self.descriptor
        let path = activePath
        return { () throws(SpoolError) in
            while fdatasync(descriptor) != 0 {
                if errno != EINTR { throw SpoolError.system(.sync, path: path) }
            }
        }
    }

    /// Renames a non-empty active file to `findings-<UTC yyyyMMdd'T'HHmmss'Z'>.ndjson` (with `-1`, `-2`, ...
    /// when that name exists), fsyncs the directory and opens a new active file.
    ///
    /// - Returns: the rotated file's path, or nil when the active file was empty and was kept.
    @discardableResult
    package func rotate(at date: Date) throws(SpoolError) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SpoolError.system(.rotate, path: activePath) }
        if status.st_size == 0 { return nil }
        try sync()
        let stamp = Self.timestamp(date)
        var target = directory + "/findings-\(stamp).ndjson"
        var suffix = 0
        var existing = stat()
        while lstat(target, &existing) == 0 {
            suffix += 1
            target = directory + "/findings-\(stamp)-\(suffix).ndjson"
        }
        guard rename(activePath, target) == 0 else { throw SpoolError.system(.rotate, path: activePath) }
        close(descriptor)
        descriptor = -1
        try openActiveFile()
        try FileSystem.syncDirectory(directory)
        return target
    }

    /// Removes rotated files (`findings-*.ndjson`) whose name's timestamp is more than `days` days before `now`;
    /// the active file is never touched.
    ///
    /// - Returns: the names removed.
    @discardableResult
    package func removeRotated(olderThan days: Int, now: Date = Date()) throws(SpoolError) -> [String] {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        var removed: [String] = []
        for name in try rotatedFileNames() {
            guard let stamp = Self.date(ofRotatedName: name), stamp < cutoff else { continue }
            guard unlink(directory + "/" + name) == 0 else {
                throw SpoolError.system(.rotate, path: directory + "/" + name)
            }
            removed.append(name)
        }
        if !removed.isEmpty { try FileSystem.syncDirectory(directory) }
        return removed
    }

    /// The bytes of the active and rotated files together, for a size-cap warning.
    package func totalSize() throws(SpoolError) -> Int64 {
        var total: Int64 = 0
        for name in try rotatedFileNames() + [Self.activeFileName] {
            var status = stat()
            if stat(directory + "/" + name, &status) == 0 { total += Int64(status.st_size) }
        }
        return total
    }

    /// The names of rotated files in the spool directory, sorted (oldest first).
    package func rotatedFileNames() throws(SpoolError) -> [String] {
        guard let handle = opendir(directory) else { throw SpoolError.system(.directory, path: directory) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix("findings-") && name.hasSuffix(".ndjson") { names.append(name) }
        }
        return names.sorted()
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    package static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// The time in a rotated file's name (`findings-20261125T120512Z.ndjson` or with a `-N` suffix).
    package static func date(ofRotatedName name: String) -> Date? {
        guard name.hasPrefix("findings-"), name.hasSuffix(".ndjson") else { return nil }
        let stamp = Array(name.dropFirst("findings-".count).prefix(16).utf8)
        guard stamp.count == 16, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            Int32(String(decoding: stamp[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let seconds = timegm(&parts)
        guard seconds >= 0 else { return nil }
        return Date(timeIntervalSince1970: Double(seconds))
    }

    private func openActiveFile() throws(SpoolError) {
        let path = activePath
        let opened = FileSystem.openFile(path, flags: O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode: Self.fileMode)
        guard opened >= 0 else { throw SpoolError.system(.open, path: path) }
        descriptor = opened
        // The umask may have narrowed or, if misconfigured, widened the mode: set it exactly.
        guard fchmod(opened, Self.fileMode) == 0 else { throw SpoolError.system(.open, path: path) }
        if let groupID, fchown(opened, uid_t.max, groupID) != 0 {
            warnings.append("spool group not applied to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Truncates the active file back to just after its last newline; returns the bytes removed.
    private func repairTornLine() throws(SpoolError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SpoolError.system(.open, path: activePath) }
        let size = Int64(status.st_size)
        if size == 0 { return 0 }
        var end = size
        var buffer = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - Int64(buffer.count))
            let wanted = Int(end - start)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(start)) }
            guard count == wanted else { throw SpoolError.system(.open, path: activePath) }
            if let newline = buffer[0..<wanted].lastIndex(of: UInt8(ascii: "\n")) {
                let keep = start + Int64(newline) + 1
                if keep == size { return 0 }
                return try truncate(to: keep, from: size)
            }
            end = start
        }
        return try truncate(to: 0, from: size)
    }

    private func truncate(to length: Int64, from size: Int64) throws(SpoolError) -> Int {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw SpoolError.system(.write, path: activePath) }
        try sync()
        return Int(size - length)
    }

    /// Whether the bytes hold a line feed (`memchr`: event lines are kilobytes long).
    private static func hasNewline(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0x0A, buffer.count) != nil
        }
    }

    private func failureLeftBytes(after size: off_t) -> Bool {
        var now = stat()
        return fstat(descriptor, &now) == 0 && now.st_size > size
    }

    private static func lookUpGroup(_ name: String) -> gid_t? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = buffer.withUnsafeMutableBufferPointer { storage in
            getgrnam_r(name, &group, storage.baseAddress, storage.count, &result)
        }
        guard status == 0, result != nil else { return nil }
        return group.gr_gid
    }
}
