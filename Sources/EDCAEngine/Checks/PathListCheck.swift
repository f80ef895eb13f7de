package import EDCACore
import EDCAJSON

/// Tests that paths appear in a list of paths a host keeps, in one of two forms:
///
/// - `folderListedIn`: a folder named in one configuration file (or its default below the Exchange install path),
///   plus a fixed subfolder, appears in a separated list kept in another, e.g. the transport's temporary folder
///   among the folders a responder cleans:
///   `{"folderListedIn": {"xml": ..., "file": ..., "path": ".../@CleanupFolderResponderFolderPaths"}, "separator": ";",
///     "folder": {"xml": ..., "file": ..., "path": ".../@value", "defaultBelowInstallPath": "TransportRoles\\data\\Temp"},
///     "subfolder": "UnifiedContent"}`;
/// - `pathsListedIn`: fixed paths below the Exchange install path are each covered by an entry of a list, read from
///   a configuration file or from an array property of a CIM class, e.g. Defender's folder exclusions:
///   `{"pathsListedIn": {"cim": "MSFT_MpPreference", "property": "ExclusionPath"}, "belowInstallPath": ["Mailbox"],
///     "match": "orParent"}`.
///
/// Paths compare ignoring case, surrounding spaces and a trailing `\`; an entry starting with
/// `%ExchangeInstallPath%` is read with the install path in its place (Exchange's setup sets that machine variable to
/// its install folder). `match` says what else covers a path: `orParent` an entry naming a folder above it,
/// `orFileName` an entry that is its last part alone (a Defender process exclusion by image name). The check passes
/// when every path is covered; when some is not, it fails, unless an entry holds a wildcard or another variable the
/// agent cannot expand, which makes it `Unknown`. A list or file that is absent, malformed or unreadable, an entry
/// of a CIM list that cannot be a path (Defender's "N/A: Must be an administrator to view exclusions" placeholder),
/// or an install path that cannot be read when it is needed, is `Unknown`.
package final class PathListCheck: Sendable {
    /// Where the list of paths is read.
    package enum ListSource: Sendable {
        /// An attribute of a configuration file, its paths separated by `separator`.
        case xml(file: LocalPath, path: XmlPath, separator: String)
        /// An array property of an allow-listed CIM class (its first instance).
        case cim(CimClass, property: String)
    }

    /// The paths the list must cover.
    package enum Expected: Sendable {
        /// One folder named in a configuration file, or its default below the install path, plus a subfolder.
        case folderFrom(file: LocalPath, path: XmlPath, defaultBelowInstallPath: String, subfolder: String)
        /// Fixed paths below the install path.
        case belowInstallPath([String])
    }

    /// What else than an equal entry covers a path.
    package enum Match: String, Sendable, CaseIterable {
        /// Only an equal entry.
        case exact
        /// An equal entry, or one naming a folder above the path.
        case orParent
        /// An equal entry, or one that is the path's last part alone.
        case orFileName
    }

    /// Where the list is read.
    package let list: ListSource
    /// What must be listed.
    package let expected: Expected
    /// What covers a path.
    package let match: Match

    /// The registry value the probe's `ExchangeInstall` root comes from.
    static let installKey: RegistryPath = {
        let text = #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup"#
        guard let path = RegistryPath(text) else { preconditionFailure("invalid built-in key path \(text)") }
        return path
    }()
    /// Its value name.
    static let installValue = RegistryName("MsiInstallPath")

    /// Creates a path-list check.
    package init(list: ListSource, expected: Expected, match: Match = .exact) {
        self.list = list
        self.expected = expected
        self.match = match
    }

    /// The field names of a path-list leaf, for "did you mean" suggestions.
    static let fieldNames = [
        "folderListedIn", "pathsListedIn", "separator", "folder", "subfolder", "defaultBelowInstallPath",
        "belowInstallPath", "match",
    ]

    /// The reads the check needs: the list, the folder's file when the folder is read from one, the install path.
    var reads: [FactRead] {
        let listRead: FactRead =
            switch list {
            case .xml(let file, let path, _): .xml(file, path)
            case .cim(let cimClass, _): .cim(cimClass)
            }
        let folderRead: [FactRead] =
            switch expected {
            case .folderFrom(let file, let path, _, _): [.xml(file, path)]
            case .belowInstallPath: []
            }
        return [listRead] + folderRead + [.value(Self.installKey, Self.installValue)]
    }

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
        /// Fixed paths against the list: how many, those not covered, and the entries the agent cannot expand.
        case covered(total: Int, uncovered: [String], list: [String], unexpanded: [String])
        /// The list's file is in this state, or its attribute is not set (`nil`).
        case listUnread(XmlFileState?)
        /// The list's CIM class is in this state (nil: not read; instances: none to read).
        case listClassUnread(CimClassState?)
        /// A list entry that cannot be a path, such as Defender's placeholder for a non-administrator.
        case listNotPaths(String)
        /// The folder's file is in this state.
        case folderUnread(XmlFileState?)
        /// The install path is needed for the default and cannot be read.
        case installPathUnknown
    }
}

extension Check {
    /// Decodes `{"folderListedIn": {"xml", "file", "path"}, "separator": TEXT, "folder": {"xml", "file", "path",
    /// "defaultBelowInstallPath"}, "subfolder": NAME}`, or `{"pathsListedIn": {"xml", "file", "path"} | {"cim",
    /// "property"}, "separator": TEXT (with xml), "belowInstallPath": [PATH], "match": "exact" | "orParent" |
    /// "orFileName"}`.
    static func decodePathList(_ reader: inout JSONObjectReader, kind: String, problems: inout [DecodingProblem])
        -> Check?
    {
        if kind == "pathsListedIn" { return decodePathsListed(&reader, problems: &problems) }
        let list = xmlAttribute(
            reader.require("folderListedIn", problems: &problems), reader.path(of: "folderListedIn"), extra: [],
            problems: &problems)
        let folder = xmlAttribute(
            reader.require("folder", problems: &problems), reader.path(of: "folder"),
            extra: ["defaultBelowInstallPath"],
            problems: &problems)
        let separator = listSeparator(&reader, problems: &problems)
        let subfolder = reader.take("subfolder").flatMap {
            JSONRead.string($0, reader.path(of: "subfolder"), &problems)
        }
        if let below = folder?.2["defaultBelowInstallPath"], let problem = LocalPath.problem(withRelativePath: below) {
            problems.append(
                DecodingProblem(
                    position: nil, field: reader.path(of: "folder") + ".defaultBelowInstallPath", message: problem))
            return nil
        }
        guard let list, let folder, let separator, let below = folder.2["defaultBelowInstallPath"] else { return nil }
        return .pathList(
            PathListCheck(
                list: .xml(file: list.0, path: list.1, separator: separator),
                expected: .folderFrom(
                    file: folder.0, path: folder.1, defaultBelowInstallPath: below, subfolder: subfolder ?? "")))
    }

    /// Decodes `{"xml", "file", "path"}` (and the `extra` text members) naming an attribute of a configuration file.
    private static func xmlAttribute(
        _ json: JSONValue?, _ field: String, extra: [String], problems: inout [DecodingProblem]
    ) -> (LocalPath, XmlPath, [String: String])? {
        guard let json, var inner = JSONObjectReader(json, path: field, problems: &problems) else { return nil }
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

    /// Decodes the required, non-empty `separator` of an XML list.
    private static func listSeparator(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> String? {
        let separator = reader.require("separator", problems: &problems).flatMap {
            JSONRead.string($0, reader.path(of: "separator"), &problems)
        }
        if separator?.isEmpty == true {
            problems.append(
                DecodingProblem(position: nil, field: reader.path(of: "separator"), message: "the separator is empty"))
            return nil
        }
        return separator
    }

    /// Decodes the `pathsListedIn` form.
    private static func decodePathsListed(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem])
        -> Check?
    {
        var source: PathListCheck.ListSource?
        let listPath = reader.path(of: "pathsListedIn")
        if let json = reader.require("pathsListedIn", problems: &problems) {
            if case .object(let members) = json.kind, members.contains(where: { $0.name == "cim" }) {
                if var inner = JSONObjectReader(json, path: listPath, problems: &problems) {
                    let cimClass = decodeCimClass(&inner, "cim", problems: &problems)
                    if let json = inner.require("property", problems: &problems),
                        let text = JSONRead.string(json, inner.path(of: "property"), &problems), let cimClass
                    {
                        if let property = cimClass.property(text) {
                            source = .cim(cimClass, property: property)
                        } else {
                            problems.append(
                                DecodingProblem(
                                    position: json.position, field: inner.path(of: "property"),
                                    message: "\(cimClass.name) has no allow-listed property \"\(text)\"; expected one "
                                        + "of " + cimClass.properties.joined(separator: ", ")))
                        }
                    }
                    inner.reportUnknownFields(knownNames: ["cim", "property"], problems: &problems)
                }
            } else if let list = xmlAttribute(json, listPath, extra: [], problems: &problems),
                let separator = listSeparator(&reader, problems: &problems)
            {
                source = .xml(file: list.0, path: list.1, separator: separator)
            }
        }
        var paths: [String]?
        if let json = reader.require("belowInstallPath", problems: &problems),
            let list = JSONRead.stringList(json, reader.path(of: "belowInstallPath"), &problems)
        {
            var valid = !list.isEmpty
            if list.isEmpty {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "belowInstallPath"),
                        message: "list at least one path below the install path"))
            }
            for (index, item) in list.enumerated() {
                if let problem = LocalPath.problem(withRelativePath: item) {
                    valid = false
                    problems.append(
                        DecodingProblem(
                            position: json.position, field: reader.path(of: "belowInstallPath") + "[\(index)]",
                            message: problem))
                }
            }
            if valid { paths = list }
        }
        var match = PathListCheck.Match.exact
        if let json = reader.take("match"), let text = JSONRead.string(json, reader.path(of: "match"), &problems) {
            if let value = PathListCheck.Match(rawValue: text) {
                match = value
            } else {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "match"),
                        message: "expected one of "
                            + PathListCheck.Match.allCases.map(\.rawValue).joined(separator: ", ")
                            + ", found \"\(text)\""))
                return nil
            }
        }
        guard let source, let paths else { return nil }
        return .pathList(PathListCheck(list: source, expected: .belowInstallPath(paths), match: match))
    }
}

extension PathListCheck {
    /// Evaluates the check on the list's answer, the folder file's answer (nil when the check has no folder file)
    /// and the install path.
    func evaluate(
        list listAnswer: HostFacts.Answer, folder folderState: XmlFileState??, installPath: ValueFact,
        findings: inout [Finding]
    ) -> NodeOutcome {
        func unknown(_ observation: Finding.PathListObservation) -> NodeOutcome {
            findings.append(.pathList(self, observation, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        // The list's entries.
        var entries: [String]
        switch (list, listAnswer) {
        case (.xml(_, let path, let separator), .xml(let state)):
            guard case .read(let values) = state, let text = values[path]?.compactMap({ $0 }).first else {
                let shown: XmlFileState? = if case .read = state { nil } else { state }
                return unknown(.listUnread(shown))
            }
            entries = text.split(separator: Character(separator), omittingEmptySubsequences: true).map(String.init)
        case (.cim(_, let property), .cim(let state)):
            guard case .instances(let instances) = state, let instance = instances.first else {
                return unknown(.listClassUnread(state))
            }
            switch instance[property] {
            case .multiString(let items)?: entries = items
            case .string(let text)?, .expandString(let text)?: entries = [text]
            case nil: entries = []
            default: return unknown(.listClassUnread(state))
            }
        default: preconditionFailure("answer of the wrong kind")
        }
        entries = entries.filter { !Self.normalised($0).isEmpty }
        // A CIM list may hold a sentence instead of paths (Defender's, for a non-administrator).
        if case .cim = list, let placeholder = entries.first(where: { !Self.canBePath($0) }) {
            return unknown(.listNotPaths(placeholder))
        }
        let install: String? =
            if case .present(let data) = installPath, let text = data.textValue, !text.isEmpty { text } else { nil }
        switch expected {
        case .folderFrom(_, let path, let defaultBelow, let subfolder):
            guard case .read(let folderPaths)?? = folderState else {
                return unknown(.folderUnread(folderState ?? nil))
            }
            var folder: String
            let fromDefault: Bool
            if let set = folderPaths[path]?.compactMap({ $0 }).first, !set.isEmpty {
                folder = set
                fromDefault = false
            } else {
                guard let install else { return unknown(.installPathUnknown) }
                folder = Self.normalisedJoin(install, defaultBelow)
                fromDefault = true
            }
            if !subfolder.isEmpty { folder = Self.normalisedJoin(folder, subfolder) }
            let listed = entries.contains { Self.normalised($0) == Self.normalised(folder) }
            let status: Status = listed ? .pass : .fail
            findings.append(
                .pathList(self, .compared(expected: folder, fromDefault: fromDefault, list: entries), status))
            return NodeOutcome(status: status, nothingSet: false)
        case .belowInstallPath(let relative):
            guard let install else { return unknown(.installPathUnknown) }
            let variable = "%exchangeinstallpath%"
            var known: [String] = []
            var unexpanded: [String] = []
            for entry in entries {
                var text = Self.normalised(entry)
                if text.hasPrefix(variable) {
                    text = Self.normalised(Self.normalisedJoin(install, String(text.dropFirst(variable.count))))
                }
                if text.contains("%") || text.contains("*") || text.contains("?") {
                    unexpanded.append(entry)
                } else {
                    known.append(text)
                }
            }
            let uncovered = relative.map { Self.normalisedJoin(install, $0) }.filter { path in
                let wanted = Self.normalised(path)
                return !known.contains { entry in
                    if entry == wanted { return true }
                    switch match {
                    case .exact: return false
                    case .orParent: return wanted.hasPrefix(entry + "\\")
                    case .orFileName: return !entry.contains("\\") && wanted.hasSuffix("\\" + entry)
                    }
                }
            }
            let status: Status = uncovered.isEmpty ? .pass : unexpanded.isEmpty ? .fail : .unknown
            findings.append(
                .pathList(
                    self,
                    .covered(total: relative.count, uncovered: uncovered, list: entries, unexpanded: unexpanded),
                    status))
            return NodeOutcome(status: status, nothingSet: false)
        }
    }

    /// Whether a list entry can be a Windows path or file name: it has no `:` other than a drive letter's. Defender
    /// answers a non-administrator with a sentence such as "N/A: Must be an administrator to view exclusions".
    static func canBePath(_ text: String) -> Bool {
        let trimmed = text.drop { $0 == " " }
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        return trimmed.distance(from: trimmed.startIndex, to: colon) == 1 && trimmed.first?.isLetter == true
            && !trimmed[trimmed.index(after: colon)...].contains(":")
    }

    private static func normalisedJoin(_ base: String, _ child: String) -> String {
        var base = base
        while base.hasSuffix("\\") { base.removeLast() }
        var child = Substring(child)
        while child.hasPrefix("\\") { child = child.dropFirst() }
        return child.isEmpty ? base : base + "\\" + child
    }
}

extension Finding {
    /// The evidence of a path-list check's finding.
    static func pathListEvidence(_ check: PathListCheck, _ observation: PathListObservation, _ status: Status)
        -> Evidence
    {
        let listSubject: FactLocation
        let separator: String
        switch check.list {
        case .xml(let file, let path, let listSeparator):
            listSubject = .xml(file: file.address, path: path.text)
            separator = listSeparator
        case .cim(let cimClass, let property):
            listSubject = .cimProperty(className: cimClass.name, instance: nil, property: property)
            separator = "; "
        }
        let unreadRequirement = "required: the list and the paths it must hold; without them, Unknown"
        switch observation {
        case .compared(let expected, let fromDefault, let list):
            let shown = "[" + list.map(quoted).joined(separator: ", ") + "]"
            var origin = ""
            if fromDefault, case .folderFrom(_, let path, _, _) = check.expected {
                origin = " (\(path.attribute ?? "") not set; the default below the install path)"
            }
            return Evidence(
                subject: listSubject, value: .text(list.joined(separator: separator)), observed: " = \(shown)",
                observation: "set",
                required: [
                    "required: lists \(quoted(expected))\(origin); \(status == .pass ? "listed" : "not listed"), so \(status)"
                ],
                result: status)
        case .covered(let total, let uncovered, let list, let unexpanded):
            let shown = "[" + list.map(quoted).joined(separator: ", ") + "]"
            let how =
                switch check.match {
                case .exact: ""
                case .orParent: " (or a folder above it)"
                case .orFileName: " (or its file name alone)"
                }
            var required = "required: each of \(total) paths below the install path listed\(how)"
            if uncovered.isEmpty {
                required += "; all listed, so \(status)"
            } else {
                required += "; not listed: " + uncovered.map(quoted).joined(separator: ", ")
                if !unexpanded.isEmpty {
                    required +=
                        "; the agent cannot expand " + unexpanded.map(quoted).joined(separator: ", ")
                        + ", which may cover them"
                }
                required += ", so \(status)"
            }
            return Evidence(
                subject: listSubject, value: .text(list.joined(separator: separator)), observed: " = \(shown)",
                observation: list.isEmpty ? "not set" : "set", required: [required], result: status)
        case .listNotPaths(let entry):
            return Evidence(
                subject: listSubject, observed: ": \(quoted(entry)) instead of paths (hidden from this account)",
                observation: "access denied",
                required: ["required: the list; an administrator account reads it, so Unknown"], result: status)
        case .listClassUnread(let state):
            let seen =
                switch state {
                case .denied?, nil: "cannot be read (access denied)"
                case .absent?: "the class does not exist on this host"
                case .instances?: "no instance, or not a list"
                }
            return Evidence(
                subject: listSubject, observed: ": \(seen)",
                observation: state == nil || state == .denied ? "access denied" : "not set",
                required: [unreadRequirement], result: status)
        case .listUnread(let state), .folderUnread(let state):
            var file: LocalPath?
            var path: String?
            if case .listUnread(let state) = observation, case .xml(let listFile, let listPath, _) = check.list {
                file = listFile
                if state == nil { path = listPath.text }
            } else if case .folderFrom(let folderFile, _, _, _) = check.expected {
                file = folderFile
            }
            let seen =
                switch state {
                case .absent: "file absent"
                case .malformed: "not well-formed XML"
                case .denied: "cannot be read (access denied)"
                case .read: "read"
                case nil: if case .listUnread = observation { "the list is not set" } else { "not read" }
                }
            return Evidence(
                subject: .xml(file: file?.address ?? "", path: path), observed: ": \(seen)", observation: seen,
                required: ["required: the folder list and the folder; without them, Unknown"], result: status)
        case .installPathUnknown:
            return Evidence(
                subject: .registryValue(PathListCheck.installKey, PathListCheck.installValue),
                observed: ": cannot be read or not set", observation: "not set",
                required: ["the paths lie below the install path; without it, Unknown"], result: status)
        }
    }
}
