package import EDCAJSON

/// What a host says about one folder's subfolders.
package enum FolderState: Sendable, Hashable {
    /// The folder exists; the names of its subfolders (possibly none), as the file system lists them.
    case subfolders([String])
    /// The folder (or its root, such as an Exchange install path) does not exist.
    case absent
    /// The folder cannot be listed by the probe's account.
    case denied
}

/// The folders listed on a host, by address (`ROOT\relative\path`, compared ignoring case). A folder a snapshot
/// does not list was not read.
package struct FolderSnapshot: Sendable {
    private var folders: [LocalPath: FolderState] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no folder was recorded.
    package var isEmpty: Bool { folders.isEmpty }

    /// What the snapshot says about a folder, or nil when it was not read.
    package func state(of folder: LocalPath) -> FolderState? { folders[folder] }

    /// Records what the host says about a folder.
    package mutating func set(_ folder: LocalPath, _ state: FolderState) { folders[folder] = state }

    /// Decodes the `folders` member of a snapshot: `{"ExchangeInstall\\FIP-FS\\Data": ["a", "b"]}`, a folder being
    /// `"absent"` or `null` (unreadable) instead of an array of subfolder names.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed address or entry.
    package init(document: JSONValue) throws(SnapshotError) {
        folders = try LocalPath.decodeTable(
            document, member: "folders", expected: "an object whose members are ROOT\\relative\\path folders",
            allowsRoot: false,
            decodeState: { Self.decodeState($0, field: $1, problems: &$2) })
    }

    /// Decodes one folder: an array of subfolder names, `"absent"`, or `null`.
    package static func decodeState(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> FolderState? {
        switch value.kind {
        case .null: return .denied
        case .string("absent"): return .absent
        case .array(let items):
            var names: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item.kind, !name.isEmpty, !name.contains("\\") else {
                    problems.append(
                        JSONRead.mismatch(
                            item, "\(field)[\(index)]", expected: "a subfolder name (a string without \\)"))
                    return nil
                }
                names.append(name)
            }
            return .subfolders(names)
        default:
            problems.append(
                JSONRead.mismatch(
                    value, field, expected: "an array of subfolder names, \"absent\", or null when unreadable"))
            return nil
        }
    }

    /// The snapshot as the `folders` member, sorted by address.
    package func jsonDocument() -> JSONOutput {
        .object(
            folders.sorted { $0.key.address.lowercased() < $1.key.address.lowercased() }.map { folder, state in
                let value: JSONOutput =
                    switch state {
                    case .subfolders(let names): .array(names.map(JSONOutput.string))
                    case .absent: .string("absent")
                    case .denied: .null
                    }
                return (folder.address, value)
            })
    }
}
