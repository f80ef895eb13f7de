import EDCACore
import EDCAEngine
import EDCAJSON
import Foundation

/// The lock that keeps two scans from running at once: an exclusive `flock` on `scan.lock` in the state directory,
/// held for the life of the scan and released by the kernel when the process ends, however it ends.
package final class ScanLock {
    private let descriptor: Int32

    /// Takes the lock without waiting.
    /// - Throws: ``InputError`` when another scan holds it, or the lock file cannot be opened.
    package init(stateDirectory: String) throws(InputError) {
        let path = (stateDirectory as NSString).appendingPathComponent("scan.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw .unreadable(path, "cannot open the scan lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw InputError(
                kind: .unreadable,
                problems: [
                    FileProblem(
                        file: path,
                        problem: .init(position: nil, field: "", message: "another scan is running; this one stops"))
                ])
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
