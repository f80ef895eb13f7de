package import EDCACore
import EDCAEngine
package import EDCAJSON
import Foundation

/// A problem in one input file: the file, then where, which field and what is wrong.
package struct FileProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file's path as the user gave it.
    package var file: String
    /// The problem inside the file.
    package var problem: DecodingProblem

    /// `file:line:column: field: message`, or `file: field: message` when the position is unknown.
    package var description: String {
        problem.position == nil ? "\(file): \(problem.description)" : "\(file):\(problem.description)"
    }
}

/// Why input files were rejected: every problem in every file, so a user can fix them all in one pass.
package struct InputError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, which decides the exit status.
    package enum Kind: Sendable {
        /// The content is malformed (exit 65).
        case badContent
        /// A file or directory cannot be found or read (exit 66).
        case unreadable
    }

    /// What kind of failure this is.
    package var kind: Kind
    /// The problems, in file order.
    package var problems: [FileProblem]

    /// One line per problem.
    package var description: String { problems.map(\.description).joined(separator: "\n") }

    static func unreadable(_ path: String, _ message: String) -> InputError {
        InputError(
            kind: .unreadable,
            problems: [FileProblem(file: path, problem: DecodingProblem(position: nil, field: "", message: message))])
    }
}

/// Reads whole input files with a size limit, so a runaway file is refused before it is parsed.
enum InputFile {
    static func read(_ path: String, limit: Int, what: String) throws(InputError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path, "is a directory, expected a \(what) file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path, "cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(path, "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= limit else {
            throw InputError(
                kind: .badContent,
                problems: [
                    FileProblem(
                        file: path,
                        problem: DecodingProblem(
                            position: nil, field: "",
                            message: "larger than \(limit / 1_048_576) MiB, which no \(what) file should be"))
                ])
        }
        return [UInt8](data)
    }
}

/// Loads registry snapshot files.
package enum SnapshotFile {
    /// The largest snapshot accepted. A probe's output is capped at 16 MiB, so no snapshot the agent saves is
    /// larger; the margin is for snapshots written by hand or by other tools. Loading takes about 5 times the
    /// file's size in memory.
    package static let sizeLimit = 64 * 1_048_576

    /// Reads and decodes a snapshot file.
    /// - Throws: ``InputError`` naming the file and, for each malformed entry, the key, value and problem.
    package static func load(_ path: String) throws(InputError) -> HostSnapshot {
        let bytes = try InputFile.read(path, limit: sizeLimit, what: "registry snapshot")
        do {
            return try HostSnapshot(json: bytes)
        } catch {
            throw InputError(kind: .badContent, problems: error.problems.map { FileProblem(file: path, problem: $0) })
        }
    }
}
