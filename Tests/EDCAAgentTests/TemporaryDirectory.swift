import Foundation

/// A directory under the system's temporary directory, removed when the test is done with it.
final class TemporaryDirectory {
    /// The directory's path.
    let path: String

    init() throws {
        let template = NSTemporaryDirectory() + "edca-agent-tests-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw CocoaError(.fileWriteUnknown) }
        path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to a file in the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The shipped SEC-043 control file's text.
func shippedSEC043() throws -> String {
    try String(contentsOfFile: repositoryRoot + "/Controls/EDCA-SEC-043.json", encoding: .utf8)
}
