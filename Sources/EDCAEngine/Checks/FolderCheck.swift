package import EDCACore
import EDCAJSON

/// Lists the subfolders of a folder under an allow-listed root and applies a rule to each name, e.g.
/// `{"subfoldersOf": "ExchangeInstall", "folder": "FIP-FS\\Data\\Engines\\amd64\\Microsoft\\Bin", "require": "all",
///   "cases": [{"atLeast": 2201010000, "status": "Unknown"}], "otherwise": "Pass"}`.
///
/// Names are tested as text (numeric tests read a decimal name as a number). When the folder has no subfolder the
/// check gives `whenNoneFound`; when it does not exist, `whenAbsent` (both default `Unknown`). A folder the probe's
/// account cannot list is `Unknown`.
package final class FolderCheck: Sendable {
    /// The folder listed.
    package let folder: LocalPath
    /// Whether every name must pass, or at least one.
    package let quantifier: SubkeysCheck.Quantifier
    /// How each name's verdict follows from it.
    package let rule: ValueRule
    /// The status when the folder has no subfolder.
    package let whenNoneFound: Status
    /// The status when the folder does not exist.
    package let whenAbsent: Status

    /// Creates a folder check.
    package init(
        folder: LocalPath, quantifier: SubkeysCheck.Quantifier, rule: ValueRule, whenNoneFound: Status,
        whenAbsent: Status
    ) {
        self.folder = folder
        self.quantifier = quantifier
        self.rule = rule
        self.whenNoneFound = whenNoneFound
        self.whenAbsent = whenAbsent
    }

    /// The field names of a folder leaf, for "did you mean" suggestions.
    static let fieldNames = ["subfoldersOf", "folder"]
}

extension Finding {
    /// What a folder check saw.
    package enum FolderObservation: Sendable {
        /// One subfolder's name.
        case subfolder(String)
        /// The folder has no subfolder.
        case empty
        /// The folder does not exist.
        case absent
        /// The folder cannot be listed.
        case denied
        /// The snapshot did not list the folder.
        case notRead
    }
}

extension Check {
    /// Decodes `{"subfoldersOf": ROOT, "folder": RELATIVE, "require": "all" | "any", <rule>, "whenNoneFound": STATUS,
    /// "whenAbsent": STATUS}`.
    static func decodeFolder(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let root = decodeLocalRoot(&reader, "subfoldersOf", problems: &problems)
        var folder: LocalPath?
        if let json = reader.require("folder", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "folder"), &problems)
        {
            if let problem = LocalPath.problem(withRelativePath: text) {
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "folder"), message: problem))
            } else if let root {
                folder = LocalPath(root: root, relativePath: text)
            }
        }
        let quantifier = decodeQuantifier(&reader, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        guard let folder, let quantifier, let rule, whenNoneFound.isValid, whenAbsent.isValid else { return nil }
        return .folder(
            FolderCheck(
                folder: folder, quantifier: quantifier, rule: rule, whenNoneFound: whenNoneFound.value ?? .unknown,
                whenAbsent: whenAbsent.value ?? .unknown))
    }

    /// An allow-listed root named by `field`, or nil with a problem naming the allow-list.
    static func decodeLocalRoot(
        _ reader: inout JSONObjectReader, _ field: String, problems: inout [DecodingProblem]
    ) -> LocalRoot? {
        guard let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems) else {
            return nil
        }
        if let root = LocalRoot(rawValue: text) { return root }
        let known = LocalRoot.allCases.map(\.rawValue)
        var message = "not an allow-listed root: \"\(text)\"; expected one of \(known.joined(separator: ", "))"
        if let suggestion = closestName(to: text, among: known) { message += " (did you mean '\(suggestion)'?)" }
        problems.append(DecodingProblem(position: json.position, field: reader.path(of: field), message: message))
        return nil
    }

    /// `require`: `all` (the default) or `any`.
    static func decodeQuantifier(
        _ reader: inout JSONObjectReader, problems: inout [DecodingProblem]
    ) -> SubkeysCheck.Quantifier? {
        guard let json = reader.take("require") else { return .all }
        guard let text = JSONRead.string(json, reader.path(of: "require"), &problems) else { return nil }
        guard let quantifier = SubkeysCheck.Quantifier(rawValue: text) else {
            problems.append(
                DecodingProblem(
                    position: json.position, field: reader.path(of: "require"),
                    message: "expected \"all\" or \"any\", found \"\(text)\""))
            return nil
        }
        return quantifier
    }
}

extension FolderCheck {
    /// Evaluates the check on what the snapshot says about its folder (nil: the folder was not listed).
    func evaluate(_ state: FolderState?, findings: inout [Finding]) -> NodeOutcome {
        let names: [String]
        switch state {
        case .subfolders(let list): names = list
        case .absent:
            findings.append(.folder(self, .absent, .absent(whenAbsent)))
            return NodeOutcome(status: whenAbsent, nothingSet: true)
        case .denied:
            findings.append(.folder(self, .denied, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        case nil:
            findings.append(.folder(self, .notRead, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        if names.isEmpty {
            findings.append(.folder(self, .empty, .absent(whenNoneFound)))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        var tally = StatusTally()
        for name in names {
            let outcome = rule.apply(to: .string(name))
            tally.add(outcome.status)
            findings.append(.folder(self, .subfolder(name), outcome))
            if quantifier == .any, outcome.status == .pass { return NodeOutcome(status: .pass, nothingSet: false) }
        }
        return NodeOutcome(status: tally.combined(quantifier == .all ? .all : .any), nothingSet: false)
    }
}

extension Finding {
    /// The evidence of a folder check's finding.
    static func folderEvidence(_ check: FolderCheck, _ observation: FolderObservation, _ outcome: RuleOutcome)
        -> Evidence
    {
        let subject = FactLocation.folder(check.folder.address)
        switch observation {
        case .subfolder(let name):
            return Evidence(
                subject: subject, value: .text(name), observed: ": subfolder \(quoted(name))", observation: "set",
                required: [describe(outcome, rule: check.rule)], result: outcome.status)
        case .empty:
            return Evidence(
                subject: subject, value: .count(0), observed: ": no subfolder", observation: "not set",
                required: ["\(describe(check.rule)); when there is none: \(outcome.status)"], result: outcome.status)
        case .absent:
            return Evidence(
                subject: subject, observed: ": folder absent", observation: "folder absent",
                required: ["when the folder is absent: \(outcome.status)"], result: outcome.status)
        case .denied:
            return Evidence(
                subject: subject, observed: ": cannot be listed (access denied)", observation: "access denied",
                required: ["\(describe(check.rule)); so Unknown"], result: .unknown)
        case .notRead:
            return Evidence(
                subject: subject, observed: ": not read", observation: "not read",
                required: ["\(describe(check.rule)); so Unknown"], result: .unknown)
        }
    }
}
