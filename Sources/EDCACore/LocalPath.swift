import EDCAJSON

/// The folders a file or folder fact may be read under. The probe finds each on the host itself; a control names
/// only the root and a relative path (``LocalPath``), never a full path.
package enum LocalRoot: String, Sendable, Hashable, CaseIterable {
    /// The Exchange install folder: `MsiInstallPath` of `HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup`.
    case exchangeInstall = "ExchangeInstall"
    /// IIS's configuration folder, `%windir%\System32\inetsrv\config`.
    case inetsrvConfig = "InetsrvConfig"
}

/// A file or folder on the host: an allow-listed root and a relative path below it, such as `ExchangeInstall` and
/// `Bin\EdgeTransport.exe.config`. Paths compare ignoring case, as Windows compares them.
package struct LocalPath: Sendable, Hashable, CustomStringConvertible {
    /// The folder the path starts from.
    package let root: LocalRoot
    /// The path below the root, with `\` between its parts.
    package let relativePath: String

    /// Creates a file address, or nil when the relative path is not one ``problem(withRelativePath:)`` accepts.
    package init?(root: LocalRoot, relativePath: String) {
        guard Self.problem(withRelativePath: relativePath) == nil else { return nil }
        self.root = root
        self.relativePath = relativePath
    }

    /// The root folder itself (an empty relative path), as an ACL read names it.
    package init(rootItself root: LocalRoot) {
        self.root = root
        self.relativePath = ""
    }

    /// Reads an address `ROOT\relative\path` (or `ROOT` alone, the root itself), as a snapshot names files and
    /// folders.
    package init?(address: String) {
        if let root = LocalRoot(rawValue: address) {
            self.init(rootItself: root)
            return
        }
        guard let separator = address.firstIndex(of: "\\"),
            let root = LocalRoot(rawValue: String(address[..<separator]))
        else { return nil }
        self.init(root: root, relativePath: String(address[address.index(after: separator)...]))
    }

    /// `ROOT\relative\path`.
    package var address: String { relativePath.isEmpty ? root.rawValue : root.rawValue + "\\" + relativePath }

    package var description: String { address }

    package static func == (lhs: LocalPath, rhs: LocalPath) -> Bool {
        lhs.address.lowercased() == rhs.address.lowercased()
    }

    package func hash(into hasher: inout Hasher) { hasher.combine(address.lowercased()) }

    /// What is wrong with an address `ROOT\relative\path`, for a snapshot's error message.
    package static func problem(withAddress text: String) -> String {
        guard let separator = text.firstIndex(of: "\\"), LocalRoot(rawValue: String(text[..<separator])) != nil else {
            return "an address starts with one of " + LocalRoot.allCases.map(\.rawValue).joined(separator: ", ")
                + " and \\"
        }
        return problem(withRelativePath: String(text[text.index(after: separator)...])) ?? "invalid address"
    }

    /// What is wrong with a relative path, or nil: parts of letters, digits, space, `_`, `.`, `(`, `)` and `-`
    /// joined by `\`; no empty part, no part of dots only (`..`), no drive, no wildcard.
    package static func problem(withRelativePath text: String) -> String? {
        if text.isEmpty { return "the relative path is empty" }
        if text.utf8.count > 240 { return "the relative path is longer than 240 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.()-")
        for part in text.split(separator: "\\", omittingEmptySubsequences: false) {
            if part.isEmpty { return "a relative path has no leading, trailing or doubled \\" }
            if part.allSatisfy({ $0 == "." }) { return "a relative path may not contain \"\(part)\"" }
            if let bad = part.first(where: { !allowed.contains($0) }) {
                return "a relative path's parts are letters, digits, space, _ . ( ) and -; found \"\(bad)\""
            }
        }
        return nil
    }
}

extension LocalPath {
    /// Decodes a snapshot member whose members are addressed by local paths (`folders`, `acls`, `xml`): each address
    /// is checked, each value decoded by `decodeState`, and every problem is collected before throwing.
    ///
    /// - Parameters:
    ///   - member: the snapshot member's name, which prefixes each field in problems.
    ///   - expected: what the member must be, for the message when it is not an object.
    ///   - allowsRoot: whether an address may be a root alone (`ExchangeInstall`), as an ACL's may.
    /// - Throws: ``SnapshotError`` listing every malformed address or entry.
    static func decodeTable<State>(
        _ document: JSONValue, member: String, expected: String, allowsRoot: Bool,
        decodeState: (JSONValue, String, inout [DecodingProblem]) -> State?
    ) throws(SnapshotError) -> [LocalPath: State] {
        guard case .object(let members) = document.kind else {
            throw SnapshotError(problems: [JSONRead.mismatch(document, member, expected: expected)])
        }
        var problems: [DecodingProblem] = []
        var table: [LocalPath: State] = [:]
        for entry in members {
            let field = "\(member).\(entry.name)"
            guard let path = LocalPath(address: entry.name), allowsRoot || !path.relativePath.isEmpty else {
                problems.append(
                    DecodingProblem(
                        position: entry.namePosition, field: field, message: problem(withAddress: entry.name)))
                continue
            }
            if let state = decodeState(entry.value, field, &problems) { table[path] = state }
        }
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        return table
    }
}
