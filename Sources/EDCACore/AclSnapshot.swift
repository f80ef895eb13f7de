package import EDCAJSON

/// One access control entry of a folder's DACL, as `Get-Acl` reports it.
package struct AccessEntry: Sendable, Hashable {
    /// The account as Windows names it (`BUILTIN\Users`, `CONTOSO\Exchange Trusted Subsystem`).
    package var identity: String
    /// The account's SID (`S-1-5-32-545`); nil when the probe could not find it.
    package var sid: String?
    /// The access mask (`FileSystemRights` as a number; generic rights such as `0x10000000` included).
    package var rights: UInt32
    /// Whether the entry allows (true) or denies (false).
    package var allows: Bool
    /// Whether the entry is inherited from a parent folder.
    package var inherited: Bool

    /// Creates an entry.
    package init(identity: String, sid: String?, rights: UInt32, allows: Bool, inherited: Bool) {
        self.identity = identity
        self.sid = sid
        self.rights = rights
        self.allows = allows
        self.inherited = inherited
    }

    /// The account part of ``identity``: what follows the last `\`.
    package var accountName: String {
        identity.split(separator: "\\", omittingEmptySubsequences: false).last.map(String.init) ?? identity
    }
}

/// What a host says about one folder's access control list.
package enum AclState: Sendable, Hashable {
    /// The DACL's entries, in order.
    case entries([AccessEntry])
    /// The folder (or its root) does not exist.
    case absent
    /// The ACL cannot be read by the probe's account.
    case denied
}

/// The access control lists read on a host, by folder address (`ExchangeInstall` for the root itself). A folder a
/// snapshot does not list was not read.
package struct AclSnapshot: Sendable {
    private var acls: [LocalPath: AclState] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no ACL was recorded.
    package var isEmpty: Bool { acls.isEmpty }

    /// What the snapshot says about a folder's ACL, or nil when it was not read.
    package func state(of folder: LocalPath) -> AclState? { acls[folder] }

    /// Records what the host says about a folder's ACL.
    package mutating func set(_ folder: LocalPath, _ state: AclState) { acls[folder] = state }

    /// Decodes the `acls` member of a snapshot: `{"ExchangeInstall": [{"identity": "BUILTIN\\Users", "sid":
    /// "S-1-5-32-545", "rights": 1179817, "type": "Allow", "inherited": true}]}`, a folder being `"absent"` or `null`
    /// (unreadable) instead.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed address or entry.
    package init(document: JSONValue) throws(SnapshotError) {
        acls = try LocalPath.decodeTable(
            document, member: "acls", expected: "an object whose members are ROOT or ROOT\\relative\\path",
            allowsRoot: true,
            decodeState: { Self.decodeState($0, field: $1, problems: &$2) })
    }

    /// Decodes one ACL: an array of entries, `"absent"`, or `null`.
    package static func decodeState(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> AclState? {
        let decoded = ListedFact.decode(
            value, field: field, expected: "an array of access entries, \"absent\", or null when unreadable",
            problems: &problems, items: ListedFact.eachItem(field: field) { decodeEntry($0, field: $1, problems: &$2) })
        return switch decoded {
        case .entries(let entries): .entries(entries)
        case .absent: .absent
        case .denied: .denied
        case nil: nil
        }
    }

    private static func decodeEntry(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> AccessEntry? {
        guard var reader = JSONObjectReader(value, path: field, problems: &problems) else { return nil }
        defer {
            reader.reportUnknownFields(
                knownNames: ["identity", "sid", "rights", "type", "inherited"], problems: &problems)
        }
        let identity = reader.require("identity", problems: &problems).flatMap {
            JSONRead.string($0, reader.path(of: "identity"), &problems)
        }
        var sid: String?
        var sidValid = true
        if let json = reader.take("sid") {
            if case .string(let text) = json.kind, text.hasPrefix("S-1-") {
                sid = text
            } else if case .null = json.kind {
                sid = nil
            } else {
                problems.append(
                    JSONRead.mismatch(json, reader.path(of: "sid"), expected: "a SID such as \"S-1-5-18\", or null"))
                sidValid = false
            }
        }
        var rights: UInt32?
        if let json = reader.require("rights", problems: &problems) {
            if case .number(let number) = json.kind, let unsigned = number.unsignedValue,
                let mask = UInt32(exactly: unsigned)
            {
                rights = mask
            } else {
                problems.append(
                    JSONRead.mismatch(json, reader.path(of: "rights"), expected: "an access mask from 0 to 4294967295"))
            }
        }
        var allows: Bool?
        if let json = reader.require("type", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "type"), &problems)
        {
            switch text {
            case "Allow": allows = true
            case "Deny": allows = false
            default:
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "type"),
                        message: "expected Allow or Deny, found \"\(text)\""))
            }
        }
        let inherited = reader.require("inherited", problems: &problems).flatMap {
            JSONRead.bool($0, reader.path(of: "inherited"), &problems)
        }
        guard let identity, sidValid, let rights, let allows, let inherited else { return nil }
        return AccessEntry(identity: identity, sid: sid, rights: rights, allows: allows, inherited: inherited)
    }

    /// The snapshot as the `acls` member, sorted by address.
    package func jsonDocument() -> JSONOutput {
        .object(
            acls.sorted { $0.key.address.lowercased() < $1.key.address.lowercased() }.map { folder, state in
                let value: JSONOutput =
                    switch state {
                    case .entries(let entries):
                        .array(
                            entries.map { entry in
                                .object([
                                    ("identity", .string(entry.identity)),
                                    ("sid", entry.sid.map(JSONOutput.string) ?? .null),
                                    ("rights", .unsigned(UInt64(entry.rights))),
                                    ("type", .string(entry.allows ? "Allow" : "Deny")),
                                    ("inherited", .bool(entry.inherited)),
                                ])
                            })
                    case .absent: .string("absent")
                    case .denied: .null
                    }
                return (folder.address, value)
            })
    }
}
