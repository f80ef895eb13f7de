#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The small POSIX helpers the spool and the state file share.
enum FileSystem {
    /// Writes all bytes with one `write(2)`, retrying on EINTR.
    ///
    /// A regular file takes a short write only when something stops it part way, such as a full file system; the
    /// rest is then written again, so the failure that follows reports its real cause (`ENOSPC` is ``SpoolError/
    /// Code/diskFull``), or the line completes if the space came back.
    ///
    /// - Returns: nil when every byte was written, else the number written before the failure and the error.
    static func writeOnce(_ descriptor: Int32, _ bytes: [UInt8], path: String) -> (written: Int, error: SpoolError)? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return (offset, SpoolError.system(.write, path: path))
            }
            if written == 0 {
                return (offset, SpoolError(.write, path: path, reason: "write(2) wrote nothing"))
            }
            offset += written
        }
        return nil
    }

    /// `open(2)` with a mode, retrying on EINTR; -1 with `errno` set on failure.
    static func openFile(_ path: String, flags: Int32, mode: mode_t) -> Int32 {
        while true {
            let descriptor = open(path, flags, mode)
            if descriptor >= 0 || errno != EINTR { return descriptor }
        }
    }

    /// fsync of a directory, so that a rename or a new name in it survives a power loss.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SpoolError.system(.sync, path: path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw SpoolError.system(.sync, path: path) }
    }

    /// Creates the directory and its missing parents, each with `mode`; an existing directory is kept as is.
    static func makeDirectories(_ path: String, mode: mode_t) throws(SpoolError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw SpoolError(.directory, path: path, reason: "exists and is not a directory")
            }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]), mode: mode)
        }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw SpoolError.system(.directory, path: path) }
    }

    /// The file's whole contents.
    static func readAll(_ path: String) throws(SpoolError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw SpoolError.system(.open, path: path)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SpoolError.system(.open, path: path)
            }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
        }
    }

    /// Replaces the file atomically: a temporary file in the same directory, fsync, rename, fsync of the directory.
    static func replaceAtomically(_ path: String, with bytes: [UInt8], mode: mode_t) throws(SpoolError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SpoolError.system(.open, path: temporary) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do throws(SpoolError) {
            _ = fchmod(descriptor, mode)
            if let failure = writeOnce(descriptor, bytes, path: temporary) { throw failure.error }
            guard fsync(descriptor) == 0 else { throw SpoolError.system(.sync, path: temporary) }
            closed = true
            guard close(descriptor) == 0 else { throw SpoolError.system(.write, path: temporary) }
            guard rename(temporary, path) == 0 else { throw SpoolError.system(.rotate, path: path) }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }
}
