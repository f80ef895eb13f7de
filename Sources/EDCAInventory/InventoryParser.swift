import EDCACore
import EDCAJSON
import Foundation
import Yams

/// The settings one level of the inventory gives (top-level defaults, a group, or a host); `nil` means not set.
private struct HostSettings {
    var address: String?
    var port: Int?
    var user: String?
    var identity: String?
    /// `.some(nil)` is an explicit `auto`.
    var role: ExchangeRole??
    var fingerprint: String?
    var tags: [String] = []
    var enabled: Bool?
    var authentication: HostAuthentication?
    var kerberosName: String?
    var organization: String?

    /// These settings with `overrides` applied on top; tags are merged.
    func overridden(by overrides: HostSettings) -> HostSettings {
        var merged = HostSettings()
        merged.address = overrides.address ?? address
        merged.port = overrides.port ?? port
        merged.user = overrides.user ?? user
        merged.identity = overrides.identity ?? identity
        merged.role = overrides.role ?? role
        merged.fingerprint = overrides.fingerprint ?? fingerprint
        merged.tags = mergedTags(tags, overrides.tags)
        merged.enabled = overrides.enabled ?? enabled
        merged.authentication = overrides.authentication ?? authentication
        merged.kerberosName = overrides.kerberosName ?? kerberosName
        merged.organization = overrides.organization ?? organization
        return merged
    }
}

/// The union of two tag lists, first spelling kept, compared case-insensitively.
private func mergedTags(_ first: [String], _ second: [String]) -> [String] {
    var seen: Set<String> = []
    var merged: [String] = []
    for tag in first + second where seen.insert(tag.lowercased()).inserted {
        merged.append(tag)
    }
    return merged
}

/// Turns inventory YAML into hosts, collecting every problem instead of stopping at the first.
struct InventoryParser {
    /// The keys that set host settings, at every level.
    static let settingKeys = [
        "port", "user", "identity", "role", "fingerprint", "tags", "enabled", "auth", "organization",
    ]
    /// The keys of a host entry.
    static let hostKeys = ["name", "address"] + settingKeys + ["kerberosName"]
    /// The keys of a group.
    static let groupKeys = settingKeys + ["hosts"]
    /// The top-level keys.
    static let topLevelKeys = ["defaults", "groups", "hosts"]
    /// The `identity` value that means ssh-agent rather than a key file.
    static let agentIdentity = "agent"

    /// The file name used in problems.
    let file: String
    /// Every problem found so far.
    private(set) var problems: [InventoryProblem] = []

    /// Creates a parser for one file.
    init(file: String) {
        self.file = file
    }

    /// Parses the document and returns the valid hosts; `problems` holds what is wrong.
    mutating func parse(yaml: String) -> [InventoryHost] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            reportSyntax(error)
            return []
        } catch {
            report(line: 1, column: 1, field: "yaml", "cannot parse the YAML: \(error)")
            return []
        }
        guard let root, case .mapping(let mapping) = root else {
            let message = "the inventory must be a mapping with `defaults`, `groups` and `hosts`"
            report(at: root, field: "inventory", message)
            return []
        }
        var defaults = HostSettings()
        var declared: [(entry: HostEntry, group: String?)] = []
        for (keyNode, value) in mapping {
            guard let key = key(keyNode, allowed: Self.topLevelKeys, path: "") else { continue }
            switch key {
            case "defaults":
                guard let settings = self.mapping(value, field: "defaults") else { continue }
                defaults = readSettings(settings, path: "defaults", allowed: Self.settingKeys)
            case "groups":
                declared += readGroups(value).flatMap { group in group.hosts.map { ($0, group.name) } }
            default:
                declared += readHostList(value, path: "hosts", groupSettings: HostSettings()).map { ($0, nil) }
            }
        }
        return resolve(declared, defaults: defaults)
    }

    // MARK: Structure

    /// A host entry as written, with its group's settings already applied.
    private struct HostEntry {
        var name: String
        var nameNode: Node
        var node: Node
        var path: String
        var settings: HostSettings
        /// Whether the host itself sets `address` (otherwise the name is used).
        var hasOwnAddress: Bool
        var addressNode: Node?
    }

    /// A group: its name and its hosts, each with the group's settings applied.
    private struct GroupEntry {
        var name: String
        var hosts: [HostEntry]
    }

    private mutating func readGroups(_ node: Node) -> [GroupEntry] {
        guard let groups = mapping(node, field: "groups") else { return [] }
        var entries: [GroupEntry] = []
        var seen: [String: Node] = [:]
        for (nameNode, groupNode) in groups {
            guard let name = nonEmptyString(nameNode, field: "groups") else { continue }
            if seen[name.lowercased()] != nil {
                report(at: nameNode, field: "groups.\(name)", "duplicate group \"\(name)\"")
                continue
            }
            seen[name.lowercased()] = nameNode
            let path = "groups.\(name)"
            guard let group = mapping(groupNode, field: path) else { continue }
            let settings = readSettings(group, path: path, allowed: Self.groupKeys)
            var hosts: [HostEntry] = []
            if let hostsNode = group["hosts"] {
                hosts = readHostList(hostsNode, path: "\(path).hosts", groupSettings: settings)
            } else {
                report(at: groupNode, field: path, "the group has no `hosts` list")
            }
            entries.append(GroupEntry(name: name, hosts: hosts))
        }
        return entries
    }

    private mutating func readHostList(_ node: Node, path: String, groupSettings: HostSettings) -> [HostEntry] {
        guard case .sequence(let sequence) = node else {
            report(at: node, field: path, "must be a list of hosts, not \(describe(node))")
            return []
        }
        var entries: [HostEntry] = []
        for (index, hostNode) in sequence.enumerated() {
            let hostPath = "\(path)[\(index)]"
            guard let host = mapping(hostNode, field: hostPath) else { continue }
            let settings = readSettings(host, path: hostPath, allowed: Self.hostKeys)
            guard let nameNode = host["name"] else {
                report(at: hostNode, field: "\(hostPath).name", "a host needs a `name`")
                continue
            }
            guard let name = nonEmptyString(nameNode, field: "\(hostPath).name") else { continue }
            entries.append(
                HostEntry(
                    name: name, nameNode: nameNode, node: hostNode, path: hostPath,
                    settings: groupSettings.overridden(by: settings), hasOwnAddress: host["address"] != nil,
                    addressNode: host["address"]))
        }
        return entries
    }

    /// Reads the settings of one level; reports unknown keys against `allowed`.
    private mutating func readSettings(_ mapping: Node.Mapping, path: String, allowed: [String]) -> HostSettings {
        var settings = HostSettings()
        for (keyNode, value) in mapping {
            guard let key = key(keyNode, allowed: allowed, path: path) else { continue }
            let field = path.isEmpty ? key : "\(path).\(key)"
            switch key {
            case "address":
                settings.address = nonEmptyString(value, field: field)
            case "port":
                settings.port = port(value, field: field)
            case "user":
                settings.user = nonEmptyString(value, field: field)
            case "identity":
                settings.identity = nonEmptyString(value, field: field)
            case "role":
                if let role = role(value, field: field) { settings.role = .some(role) }
            case "fingerprint":
                settings.fingerprint = fingerprint(value, field: field)
            case "tags":
                settings.tags = tags(value, field: field)
            case "enabled":
                settings.enabled = bool(value, field: field)
            case "auth":
                settings.authentication = authentication(value, field: field)
            case "organization":
                settings.organization = nonEmptyString(value, field: field)
            case "kerberosName":
                if let name = nonEmptyString(value, field: field) {
                    if let problem = addressProblem(name) {
                        report(at: value, field: field, "\(quoted(name)) \(problem)")
                    } else {
                        settings.kerberosName = name
                    }
                }
            default:
                break  // `name` and `hosts` are read by the caller.
            }
        }
        return settings
    }

    // MARK: Merging and host-level checks

    private mutating func resolve(
        _ declared: [(entry: HostEntry, group: String?)], defaults: HostSettings
    ) -> [InventoryHost] {
        var hosts: [InventoryHost] = []
        var firstByName: [String: Node] = [:]
        for (entry, group) in declared {
            let nameField = "\(entry.path).name"
            if let first = firstByName[entry.name.lowercased()] {
                report(
                    at: entry.nameNode, field: nameField,
                    "duplicate host \"\(entry.name)\" (first declared at \(location(of: first)))")
                continue
            }
            firstByName[entry.name.lowercased()] = entry.nameNode
            let settings = defaults.overridden(by: entry.settings)
            var valid = true
            let address = settings.address ?? entry.name
            if entry.hasOwnAddress, entry.settings.address == nil {
                valid = false  // The bad `address` value is already reported.
            } else if let problem = addressProblem(address) {
                let origin =
                    entry.hasOwnAddress ? "" : " (taken from the host's name; set `address` to connect elsewhere)"
                report(
                    at: entry.hasOwnAddress ? entry.addressNode ?? entry.node : entry.nameNode,
                    field: "\(entry.path).address", "\(quoted(address)) \(problem)\(origin)")
                valid = false
            }
            if settings.user == nil {
                report(
                    at: entry.node, field: "\(entry.path).user",
                    "host \"\(entry.name)\" has no `user` (set it on the host, its group or `defaults`)")
                valid = false
            }
            let authentication = settings.authentication ?? .key
            if settings.identity == nil, authentication == .key {
                report(
                    at: entry.node, field: "\(entry.path).identity",
                    "host \"\(entry.name)\" has no `identity` (a private key file, or `agent` for ssh-agent; "
                        + "set it on the host, its group or `defaults`; or `auth: kerberos`)")
                valid = false
            }
            guard valid, let user = settings.user else { continue }
            let identity = authentication == .key ? settings.identity : nil
            var host = InventoryHost(
                name: entry.name, address: address, port: settings.port ?? 22, user: user,
                identityFile: identity == Self.agentIdentity ? nil : identity, role: settings.role ?? nil,
                fingerprint: settings.fingerprint, tags: settings.tags, enabled: settings.enabled ?? true,
                group: group)
            host.authentication = authentication
            host.kerberosName = settings.kerberosName
            host.organization = settings.organization ?? InventoryHost.defaultOrganization
            hosts.append(host)
        }
        return hosts
    }

    /// Why `address` is not a plausible DNS name or IP literal, or `nil` when it is.
    private func addressProblem(_ address: String) -> String? {
        let allowed = address.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", ":": return true
            default: return false
            }
        }
        guard allowed else {
            return "is not a DNS name or IP address: only letters, digits, '.', '-' and ':' (IPv6) are allowed"
        }
        if address.hasPrefix("-") || address.hasPrefix(".") || address.contains("..") {
            return "is not a DNS name or IP address: it starts with '-' or '.', or has an empty label"
        }
        if address.utf8.count > 253 {
            return "is not a DNS name or IP address: longer than 253 characters"
        }
        return nil
    }

    // MARK: Values

    /// The key as a string when it is one of `allowed`; otherwise reports it, with a suggestion when one is close.
    private mutating func key(_ node: Node, allowed: [String], path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(at: node, field: path.isEmpty ? "inventory" : path, "keys must be names, not \(describe(node))")
            return nil
        }
        let key = scalar.string
        guard allowed.contains(key) else {
            var message = "unknown key \"\(key)\""
            if ["name", "address", "kerberosName"].contains(key) {
                message = "`\(key)` can only be set on a host, not here"
            } else if key == "hosts" {
                message = "`hosts` is only allowed at the top level and in a group"
            } else if let suggestion = closestName(to: key, among: allowed) {
                message += "; did you mean \"\(suggestion)\"?"
            } else {
                message += "; expected one of: \(allowed.joined(separator: ", "))"
            }
            report(at: node, field: path.isEmpty ? key : "\(path).\(key)", message)
            return nil
        }
        return key
    }

    private mutating func mapping(_ node: Node, field: String) -> Node.Mapping? {
        guard case .mapping(let mapping) = node else {
            report(at: node, field: field, "must be a mapping, not \(describe(node))")
            return nil
        }
        return mapping
    }

    private mutating func nonEmptyString(_ node: Node, field: String) -> String? {
        guard case .scalar(let scalar) = node, tagName(node) != .null else {
            report(at: node, field: field, "must be a string, not \(describe(node))")
            return nil
        }
        let value = scalar.string.trimmingWhitespace()
        guard !value.isEmpty else {
            report(at: node, field: field, "must not be empty")
            return nil
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            report(at: node, field: field, "must not contain control characters")
            return nil
        }
        return value
    }

    private mutating func port(_ node: Node, field: String) -> Int? {
        guard case .scalar(let scalar) = node, tagName(node) == .int, let port = Int(scalar.string) else {
            report(at: node, field: field, "must be a port number from 1 to 65535, not \(describe(node))")
            return nil
        }
        guard (1...65_535).contains(port) else {
            report(at: node, field: field, "\(port) is not a port number: expected 1 to 65535")
            return nil
        }
        return port
    }

    private mutating func bool(_ node: Node, field: String) -> Bool? {
        guard tagName(node) == .bool, let value = node.bool else {
            report(at: node, field: field, "must be true or false, not \(describe(node))")
            return nil
        }
        return value
    }

    /// The role, with `.some(nil)` for `auto`; `nil` when invalid.
    private mutating func authentication(_ node: Node, field: String) -> HostAuthentication? {
        guard let text = nonEmptyString(node, field: field) else { return nil }
        if let method = HostAuthentication(rawValue: text.lowercased()) { return method }
        report(at: node, field: field, "unknown authentication \(quoted(text)): expected key or kerberos")
        return nil
    }

    private mutating func role(_ node: Node, field: String) -> ExchangeRole?? {
        guard let text = nonEmptyString(node, field: field) else { return nil }
        if text.lowercased() == "auto" { return .some(nil) }
        if let role = ExchangeRole.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) {
            return .some(role)
        }
        report(at: node, field: field, "unknown role \(quoted(text)): expected Mailbox, Edge or auto")
        return nil
    }

    private mutating func fingerprint(_ node: Node, field: String) -> String? {
        guard let text = nonEmptyString(node, field: field) else { return nil }
        let prefix = "SHA256:"
        let body = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : ""
        let unpadded = body.hasSuffix("=") ? String(body.dropLast()) : body
        let isBase64 = unpadded.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "+", "/": return true
            default: return false
            }
        }
        guard text.hasPrefix(prefix), unpadded.count == 43, isBase64 else {
            report(
                at: node, field: field,
                "\(quoted(text)) is not a host-key fingerprint: expected SHA256: and 43 base64 characters, "
                    + "as `ssh-keygen -l` prints it")
            return nil
        }
        return text
    }

    private mutating func tags(_ node: Node, field: String) -> [String] {
        guard case .sequence(let sequence) = node else {
            report(at: node, field: field, "must be a list of strings, not \(describe(node))")
            return []
        }
        var tags: [String] = []
        for (index, tagNode) in sequence.enumerated() {
            if let tag = nonEmptyString(tagNode, field: "\(field)[\(index)]") { tags.append(tag) }
        }
        return mergedTags(tags, [])
    }

    // MARK: Reporting

    private func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// A short description of a node for messages: its kind, and its text when it is a scalar.
    private func describe(_ node: Node?) -> String {
        switch node {
        case .none: return "nothing"
        case .some(.mapping): return "a mapping"
        case .some(.sequence): return "a list"
        case .some(.alias): return "an alias"
        case .some(.scalar(let scalar)):
            return tagName(.scalar(scalar)) == .null ? "null" : quoted(scalar.string)
        }
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func location(of node: Node) -> String {
        let mark = node.mark
        return "\(file):\(mark?.line ?? 1):\(mark?.column ?? 1)"
    }

    private mutating func report(at node: Node?, field: String, _ message: String) {
        report(line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, field: field, message)
    }

    private mutating func report(line: Int, column: Int, field: String, _ message: String) {
        problems.append(InventoryProblem(file: file, line: line, column: column, field: field, message: message))
    }

    private mutating func reportSyntax(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            report(line: mark.line, column: mark.column, field: "yaml", "invalid YAML: \(prefix)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            report(
                line: context.mark.line, column: context.mark.column, field: "yaml",
                "duplicate key: \(duplicates.joined(separator: ", "))")
        default:
            report(line: 1, column: 1, field: "yaml", "invalid YAML: \(error)")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
