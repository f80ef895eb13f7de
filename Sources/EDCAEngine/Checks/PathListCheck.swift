package import EDCACore
import EDCAJSON

/// Tests that a folder named in one configuration file (or its default below the Exchange install path), plus a
/// fixed subfolder, appears in a separated list of folders kept in another, e.g. the transport's temporary folder
/// among the folders a responder cleans:
/// `{"folderListedIn": {"xml": ..., "file": ..., "path": ".../@CleanupFolderResponderFolderPaths"}, "separator": ";",
///   "folder": {"xml": ..., "file": ..., "path": ".../@value", "defaultBelowInstallPath": "TransportRoles\\data\\Temp"},
///   "subfolder": "UnifiedContent"}`.
///
/// Paths compare ignoring case, surrounding spaces and a trailing `\`. The check passes when the expected folder is
/// listed and fails when it is not (an empty list included); a list or folder file that is absent, malformed or
/// unreadable, a list attribute that is not set, or an install path that cannot be read when the default is needed,
/// is `Unknown`.
package final class PathListCheck: Sendable {
    /// Where the list is read.
    package let listFile: LocalPath
    /// The attribute holding the list.
    package let listPath: XmlPath
    /// What separates the list's folders.
    package let separator: String
    /// Where the folder is read.
    package let folderFile: LocalPath
    /// The attribute holding the folder.
    package let folderPath: XmlPath
    /// The folder's default below the Exchange install path, when the attribute is not set.
    package let defaultBelowInstallPath: String
    /// The subfolder of the folder that must be listed (empty: the folder itself).
    package let subfolder: String

    /// The registry value the probe's `ExchangeInstall` root comes from.
    static let installKey: RegistryPath = {
        let text = #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup"#
        guard let path = RegistryPath(text) else { preconditionFailure("invalid built-in key path \(text)") }
        return path
    }()
    /// Its value name.
    static let installValue = RegistryName("MsiInstallPath")

    /// Creates a path-list check.
    package init(
        listFile: LocalPath, listPath: XmlPath, separator: String, folderFile: LocalPath, folderPath: XmlPath,
        defaultBelowInstallPath: String, subfolder: String
    ) {
        self.listFile = listFile
        self.listPath = listPath
        self.separator = separator
        self.folderFile = folderFile
        self.folderPath = folderPath
        self.defaultBelowInstallPath = defaultBelowInstallPath
        self.subfolder = subfolder
    }

    /// The field names of a path-list leaf, for "did you mean" suggestions.
    static let fieldNames = ["folderListedIn", "separator", "folder", "subfolder", "defaultBelowInstallPath"]

    /// A path as compared: lower-cased, without surrounding spaces or trailing `\`.
    static func normalised(_ path: String) -> String {
        var text = Substring(path.lowercased())
        while let last = text.last, last == " " || last == "\\" { text = text.dropLast() }
        while let first = text.first, first == " " { text = text.dropFirst() }
        return String(text)
    }
}

extension Finding {
    /// What a path-list check saw.
    package enum PathListObservation: Sendable {
        /// The expected folder and the list, and whether it is listed.
        case compared(expected: String, fromDefault: Bool, list: [String])
        /// The list's file is in this state, or its attribute is not set (`nil`).
        case listUnread(XmlFileState?)
        /// The folder's file is in this state.
        case folderUnread(XmlFileState?)
        /// The install path is needed for the default and cannot be read.
        case installPathUnknown
    }
}

extension Check {
    /// Decodes `{"folderListedIn": {"xml", "file", "path"}, "separator": TEXT, "folder": {"xml", "file", "path",
    /// "defaultBelowInstallPath"}, "subfolder": NAME}`.
    static func decodePathList(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> Check? {
        func attribute(_ field: String, extra: [String]) -> (LocalPath, XmlPath, [String: String])? {
            guard let json = reader.require(field, problems: &problems),
                var inner = JSONObjectReader(json, path: reader.path(of: field), problems: &problems)
            else { return nil }
            defer { inner.reportUnknownFields(knownNames: ["xml", "file", "path"] + extra, problems: &problems) }
            let root = decodeLocalRoot(&inner, "xml", problems: &problems)
            var file: LocalPath?
            if let json = inner.require("file", problems: &problems),
                let text = JSONRead.string(json, inner.path(of: "file"), &problems)
            {
                if let problem = LocalPath.problem(withRelativePath: text) {
                    problems.append(
                        DecodingProblem(position: json.position, field: inner.path(of: "file"), message: problem))
                } else if let root {
                    file = LocalPath(root: root, relativePath: text)
                }
            }
            var path: XmlPath?
            if let json = inner.require("path", problems: &problems),
                let text = JSONRead.string(json, inner.path(of: "path"), &problems)
            {
                path = XmlPath(text)
                if path == nil || path?.attribute == nil {
                    problems.append(
                        DecodingProblem(
                            position: json.position, field: inner.path(of: "path"),
                            message: XmlPath.problem(with: text) ?? "the path must end with /@attribute"))
                }
            }
            var extras: [String: String] = [:]
            for name in extra {
                if let json = inner.require(name, problems: &problems),
                    let text = JSONRead.string(json, inner.path(of: name), &problems)
                {
                    extras[name] = text
                }
            }
            guard let file, let path, path.attribute != nil, extras.count == extra.count else { return nil }
            return (file, path, extras)
        }
        let list = attribute("folderListedIn", extra: [])
        let folder = attribute("folder", extra: ["defaultBelowInstallPath"])
        let separator = reader.require("separator", problems: &problems).flatMap {
            JSONRead.string($0, reader.path(of: "separator"), &problems)
        }
        let subfolder = reader.take("subfolder").flatMap {
            JSONRead.string($0, reader.path(of: "subfolder"), &problems)
        }
        if let below = folder?.2["defaultBelowInstallPath"], let problem = LocalPath.problem(withRelativePath: below) {
            problems.append(
                DecodingProblem(
                    position: nil, field: reader.path(of: "folder") + ".defaultBelowInstallPath", message: problem))
            return nil
        }
        if separator?.isEmpty == true {
            problems.append(
                DecodingProblem(position: nil, field: reader.path(of: "separator"), message: "the separator is empty"))
            return nil
        }
        guard let list, let folder, let separator, let below = folder.2["defaultBelowInstallPath"] else { return nil }
        return .pathList(
            PathListCheck(
                listFile: list.0, listPath: list.1, separator: separator, folderFile: folder.0, folderPath: folder.1,
                defaultBelowInstallPath: below, subfolder: subfolder ?? ""))
    }
}

extension PathListCheck {
    /// Evaluates the check on the two files' answers and the install path.
    func evaluate(
        list listState: XmlFileState?, folder folderState: XmlFileState?, installPath: ValueFact,
        findings: inout [Finding]
    ) -> NodeOutcome {
        guard case .read(let listPaths) = listState, let listText = listPaths[listPath]?.compactMap({ $0 }).first else {
            let state: XmlFileState? = if case .read = listState { nil } else { listState }
            findings.append(.pathList(self, .listUnread(state), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        guard case .read(let folderPaths) = folderState else {
            findings.append(.pathList(self, .folderUnread(folderState), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        var folder: String
        let fromDefault: Bool
        if let set = folderPaths[folderPath]?.compactMap({ $0 }).first, !set.isEmpty {
            folder = set
            fromDefault = false
        } else {
            guard case .present(let data) = installPath, let install = data.textValue, !install.isEmpty else {
                findings.append(.pathList(self, .installPathUnknown, .unknown))
                return NodeOutcome(status: .unknown, nothingSet: false)
            }
            folder = Self.normalisedJoin(install, defaultBelowInstallPath)
            fromDefault = true
        }
        if !subfolder.isEmpty { folder = Self.normalisedJoin(folder, subfolder) }
        let list = listText.split(separator: Character(separator), omittingEmptySubsequences: true).map(String.init)
            .filter { !Self.normalised($0).isEmpty }
        let listed = list.contains { Self.normalised($0) == Self.normalised(folder) }
        let status: Status = listed ? .pass : .fail
        findings.append(.pathList(self, .compared(expected: folder, fromDefault: fromDefault, list: list), status))
        return NodeOutcome(status: status, nothingSet: false)
    }

    private static func normalisedJoin(_ base: String, _ child: String) -> String {
        var base = base
        while base.hasSuffix("\\") { base.removeLast() }
        return base + "\\" + child
    }
}

extension Finding {
    /// The evidence of a path-list check's finding.
    static func pathListEvidence(_ check: PathListCheck, _ observation: PathListObservation, _ status: Status)
        -> Evidence
    {
        let listSubject = FactLocation.xml(file: check.listFile.address, path: check.listPath.text)
        switch observation {
        case .compared(let expected, let fromDefault, let list):
            let shown = "[" + list.map(quoted).joined(separator: ", ") + "]"
            let origin =
                fromDefault ? " (\(check.folderPath.attribute ?? "") not set; the default below the install path)" : ""
            return Evidence(
                subject: listSubject, value: .text(list.joined(separator: check.separator)), observed: " = \(shown)",
                observation: "set",
                required: [
                    "required: lists \(quoted(expected))\(origin); \(status == .pass ? "listed" : "not listed"), so \(status)"
                ],
                result: status)
        case .listUnread(let state), .folderUnread(let state):
            let file: LocalPath
            if case .listUnread = observation { file = check.listFile } else { file = check.folderFile }
            let seen =
                switch state {
                case .absent: "file absent"
                case .malformed: "not well-formed XML"
                case .denied: "cannot be read (access denied)"
                case .read: "read"
                case nil: if case .listUnread = observation { "the list is not set" } else { "not read" }
                }
            let path: String? = if case .listUnread(nil) = observation { check.listPath.text } else { nil }
            return Evidence(
                subject: .xml(file: file.address, path: path), observed: ": \(seen)", observation: seen,
                required: ["required: the folder list and the folder; without them, Unknown"], result: status)
        case .installPathUnknown:
            return Evidence(
                subject: .registryValue(PathListCheck.installKey, PathListCheck.installValue),
                observed: ": cannot be read or not set", observation: "not set",
                required: ["the default folder lies below the install path; without it, Unknown"], result: status)
        }
    }
}
