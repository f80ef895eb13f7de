package import EDCACore
import EDCAJSON

/// Reads a folder's access control list and fails on any entry that allows one of a set of rights to an account
/// outside a trusted list, e.g.
/// `{"aclOf": "ExchangeInstall", "folder": "", "allowsNone": "0x500D0156", "exceptSids": ["S-1-5-18"],
///   "exceptAccountNames": ["Exchange Trusted Subsystem"]}`.
///
/// An entry counts when it allows (a deny entry never does), whatever its inheritance, and its access mask has any
/// bit of `allowsNone`. It is trusted when its SID is one of `exceptSids`, or its account name (after the last `\`)
/// is exactly one of `exceptAccountNames`, ignoring case. An entry that counts, is not trusted by name and has no SID
/// (the probe could not translate it) is `Unknown`. An ACL without entries, or one that cannot be read, is `Unknown`;
/// a folder that does not exist gives `whenAbsent` (default `Unknown`).
package final class AclCheck: Sendable {
    /// The folder whose ACL is read.
    package let folder: LocalPath
    /// The rights no untrusted account may be allowed: any bit of this mask.
    package let forbiddenRights: UInt32
    /// The SIDs of the trusted accounts.
    package let trustedSids: [String]
    /// The account names (without domain) of trusted accounts whose SID differs per domain.
    package let trustedAccountNames: [String]
    /// The status when the folder does not exist.
    package let whenAbsent: Status

    /// Creates an ACL check.
    package init(
        folder: LocalPath, forbiddenRights: UInt32, trustedSids: [String], trustedAccountNames: [String],
        whenAbsent: Status
    ) {
        self.folder = folder
        self.forbiddenRights = forbiddenRights
        self.trustedSids = trustedSids
        self.trustedAccountNames = trustedAccountNames
        self.whenAbsent = whenAbsent
    }

    /// The field names of an ACL leaf, for "did you mean" suggestions.
    static let fieldNames = ["aclOf", "allowsNone", "exceptSids", "exceptAccountNames"]

    /// The status one entry gives: Fail when it allows a forbidden right to an untrusted account, Unknown when
    /// such an entry's account cannot be identified by SID, else nil (the entry does not count).
    func status(of entry: AccessEntry) -> Status? {
        guard entry.allows, entry.rights & forbiddenRights != 0 else { return nil }
        if let sid = entry.sid, trustedSids.contains(where: { $0.uppercased() == sid.uppercased() }) { return nil }
        if trustedAccountNames.contains(where: { RegistryName.sameName($0, entry.accountName) }) { return nil }
        return entry.sid == nil ? .unknown : .fail
    }
}

extension Finding {
    /// What an ACL check saw.
    package enum AclObservation: Sendable {
        /// An entry that allows a forbidden right to an account that is not trusted (or not identified).
        case entry(AccessEntry)
        /// This many entries, none of which allows a forbidden right to an untrusted account.
        case clean(entryCount: Int)
        /// The ACL has no entry.
        case empty
        /// The folder does not exist.
        case absent
        /// The ACL cannot be read.
        case denied
        /// The snapshot did not read the ACL.
        case notRead
    }
}

extension Check {
    /// Decodes `{"aclOf": ROOT, "folder": RELATIVE or "", "allowsNone": MASK, "exceptSids": [SID],
    /// "exceptAccountNames": [NAME], "whenAbsent": STATUS}`.
    static func decodeAcl(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> Check? {
        let root = decodeLocalRoot(&reader, "aclOf", problems: &problems)
        var folder: LocalPath?
        if let json = reader.require("folder", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "folder"), &problems)
        {
            if !text.isEmpty, let problem = LocalPath.problem(withRelativePath: text) {
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "folder"), message: problem))
            } else if let root {
                folder = text.isEmpty ? LocalPath(rootItself: root) : LocalPath(root: root, relativePath: text)
            }
        }
        var mask: UInt32?
        if let json = reader.require("allowsNone", problems: &problems) {
            if case .string(let text) = json.kind, text.lowercased().hasPrefix("0x"),
                let value = UInt32(text.dropFirst(2), radix: 16), value != 0
            {
                mask = value
            } else {
                problems.append(
                    JSONRead.mismatch(json, reader.path(of: "allowsNone"), expected: "a non-zero access mask \"0x...\"")
                )
            }
        }
        var sids: [String]? = []
        if let json = reader.take("exceptSids") {
            sids = JSONRead.stringList(json, reader.path(of: "exceptSids"), &problems)
            if let bad = sids?.first(where: { !$0.hasPrefix("S-1-") }) {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "exceptSids"),
                        message: "a SID starts with S-1-, found \"\(bad)\""))
                sids = nil
            }
        }
        var names: [String]? = []
        if let json = reader.take("exceptAccountNames") {
            names = JSONRead.stringList(json, reader.path(of: "exceptAccountNames"), &problems)
        }
        let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        guard let folder, let mask, let sids, let names, whenAbsent.isValid else { return nil }
        return .acl(
            AclCheck(
                folder: folder, forbiddenRights: mask, trustedSids: sids, trustedAccountNames: names,
                whenAbsent: whenAbsent.value ?? .unknown))
    }
}

extension AclCheck {
    /// Evaluates the check on what the snapshot says about the folder's ACL (nil: not read).
    func evaluate(_ state: AclState?, findings: inout [Finding]) -> NodeOutcome {
        let entries: [AccessEntry]
        switch state {
        case .entries(let list): entries = list
        case .absent:
            findings.append(.acl(self, .absent, whenAbsent))
            return NodeOutcome(status: whenAbsent, nothingSet: true)
        case .denied:
            findings.append(.acl(self, .denied, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        case nil:
            findings.append(.acl(self, .notRead, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        guard !entries.isEmpty else {
            findings.append(.acl(self, .empty, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: true)
        }
        var tally = StatusTally()
        for entry in entries {
            guard let status = status(of: entry) else { continue }
            tally.add(status)
            findings.append(.acl(self, .entry(entry), status))
        }
        let status = tally.combined(.all)
        if status == .skipped {
            findings.append(.acl(self, .clean(entryCount: entries.count), .pass))
            return NodeOutcome(status: .pass, nothingSet: false)
        }
        return NodeOutcome(status: status, nothingSet: false)
    }

    /// The requirement in words, as evidence shows it.
    var requirement: String {
        var trusted = trustedSids
        trusted += trustedAccountNames.map { "any account named \($0)" }
        return "required: no entry allowing any of \(hex(UInt64(forbiddenRights))) except to "
            + trusted.joined(separator: ", ")
    }
}

extension Finding {
    /// The evidence of an ACL check's finding.
    static func aclEvidence(_ check: AclCheck, _ observation: AclObservation, _ status: Status) -> Evidence {
        let subject = FactLocation.acl(check.folder.address)
        switch observation {
        case .entry(let entry):
            let who = entry.identity + (entry.sid.map { " (\($0))" } ?? " (SID not read)")
            let granted = hex(UInt64(entry.rights & check.forbiddenRights))
            return Evidence(
                subject: subject, value: .text(entry.identity),
                observed: ": Allow \(who) \(hex(UInt64(entry.rights)))\(entry.inherited ? ", inherited" : "")"
                    + " grants \(granted)",
                observation: "set",
                required: [
                    check.requirement + (status == .unknown ? "; account not identified by SID, so Unknown" : "")
                ],
                result: status)
        case .clean(let count):
            return Evidence(
                subject: subject, value: .count(UInt64(count)),
                observed: ": \(count) entries, none allowing those rights to an untrusted account", observation: "set",
                required: [check.requirement], result: status)
        case .empty:
            return Evidence(
                subject: subject, value: .count(0), observed: ": no entry", observation: "not set",
                required: [check.requirement + "; an empty list says nothing, so Unknown"], result: status)
        case .absent:
            return Evidence(
                subject: subject, observed: ": folder absent", observation: "folder absent",
                required: ["when the folder is absent: \(status)"], result: status)
        case .denied:
            return Evidence(
                subject: subject, observed: ": cannot be read (access denied)", observation: "access denied",
                required: [check.requirement + "; so Unknown"], result: status)
        case .notRead:
            return Evidence(
                subject: subject, observed: ": not read", observation: "not read",
                required: [check.requirement + "; so Unknown"], result: status)
        }
    }
}
