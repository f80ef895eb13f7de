#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A spool or state file operation that failed: what was being done, on which path, and the system's reason.
///
/// Messages carry paths and `strerror` text only, never event content or secrets.
package struct SpoolError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was being done.
    package enum Code: String, Sendable, Hashable {
        /// Creating or preparing a directory.
        case directory
        /// Opening, reading or repairing a file.
        case open
        /// Writing a line or a file.
        case write
        /// fsync/fdatasync of a file or directory.
        case sync
        /// Renaming the active file or removing rotated files.
        case rotate
        /// The file system is full (ENOSPC or EDQUOT).
        case diskFull
        /// The drift state file is not in the expected form.
        case state
    }

    /// What was being done.
    package var code: Code
    /// The file or directory concerned.
    package var path: String
    /// The system's reason (`strerror`) or what is wrong.
    package var reason: String

    /// Creates an error.
    package init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    /// An error from `errno`: ENOSPC and EDQUOT become ``Code/diskFull``.
    static func system(_ code: Code, path: String, errorNumber: Int32 = errno) -> SpoolError {
        let reason = String(cString: strerror(errorNumber))
        let isFull = errorNumber == ENOSPC || errorNumber == EDQUOT
        return SpoolError(isFull ? .diskFull : code, path: path, reason: reason)
    }

    package var description: String {
        guard code == .diskFull else { return "spool \(code.rawValue) error: \(path): \(reason)" }
        let cause = reason.lowercased() == "no space left on device" ? "" : " (\(reason))"
        return "cannot write \(path): no space left on device\(cause); whole events written so far are kept"
    }
}
