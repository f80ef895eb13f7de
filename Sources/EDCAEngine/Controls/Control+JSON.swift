import EDCACore
package import EDCAJSON

/// Why a control file was rejected: every problem found in it.
package struct ControlDecodingError: Error, Sendable {
    /// The problems, each with position, field path and message.
    package var problems: [DecodingProblem]
}

extension Control {
    /// The members of a control file, in the seed's order.
    static let fieldNames = [
        "id", "title", "description", "verify", "subject", "category", "severity", "severityWeight", "frameworks",
        "references", "requirements", "remediation", "considerations", "roles", "check",
    ]
    /// The range of `severityWeight`.
    package static let severityWeights = 1...10

    /// Decodes one control file, reporting every problem in it.
    ///
    /// - Parameter catalogs: the version catalogs its checks may name, by name.
    /// - Throws: ``ControlDecodingError`` listing each invalid, missing or unknown field with its position.
    package init(json bytes: [UInt8], catalogs: [String: VersionCatalog] = [:]) throws(ControlDecodingError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let message = error.hint.map { "\(error.message); \($0)" } ?? error.message
            throw ControlDecodingError(problems: [
                DecodingProblem(position: error.position, field: "", message: "invalid JSON: \(message)")
            ])
        }
        var problems: [DecodingProblem] = []
        guard var reader = JSONObjectReader(document, path: "", problems: &problems) else {
            throw ControlDecodingError(problems: problems)
        }
        func text(_ name: String) -> String? {
            reader.require(name, problems: &problems).flatMap { JSONRead.nonEmptyString($0, name, &problems) }
        }
        let id = text("id")
        if let id, let json = document.member("id"), !Self.isWellFormedID(id) {
            problems.append(
                DecodingProblem(
                    position: json.position, field: "id",
                    message: "expected an id like EDCA-SEC-043 (EDCA-, letters, -, digits), found \"\(id)\""))
        }
        let title = text("title")
        let description = text("description")
        let verify = reader.require("verify", problems: &problems).flatMap { JSONRead.bool($0, "verify", &problems) }
        let subject = Self.decodeSubject(reader.require("subject", problems: &problems), &problems)
        let category = text("category")
        let severity = Self.decodeSeverity(reader.require("severity", problems: &problems), &problems)
        let weight = Self.decodeWeight(reader.require("severityWeight", problems: &problems), &problems)
        let frameworks = Self.decodeNonEmptyList(
            reader.require("frameworks", problems: &problems), "frameworks", &problems)
        let references = Self.decodeReferences(reader.require("references", problems: &problems), &problems)
        // Optional (the seed's controls have none): requirement identifiers, each a non-empty string.
        let requirements = reader.take("requirements").map {
            Self.decodeNonEmptyList($0, "requirements", &problems) ?? []
        }
        let remediation = Self.decodeRemediation(reader.require("remediation", problems: &problems), &problems)
        let considerations = reader.require("considerations", problems: &problems).flatMap {
            JSONRead.string($0, "considerations", &problems)
        }
        let roles = Self.decodeRoles(reader.require("roles", problems: &problems), &problems)
        let checkJSON = reader.require("check", problems: &problems)
        let check = checkJSON.flatMap { Check.decode($0, path: "check", catalogs: catalogs, problems: &problems) }
        reader.reportUnknownFields(knownNames: Self.fieldNames, problems: &problems)
        guard problems.isEmpty, let id, let title, let description, let verify, let subject, let category, let severity,
            let weight, let frameworks, let references, let remediation, let considerations, let roles, let check,
            let checkJSON
        else {
            throw ControlDecodingError(problems: problems.sorted(by: Self.documentOrder))
        }
        self.init(
            id: id, title: title, description: description, verify: verify, subject: subject, category: category,
            severity: severity, severityWeight: weight, frameworks: frameworks, references: references,
            requirements: requirements ?? [], remediation: remediation, considerations: considerations, roles: roles,
            check: check,
            checkSource: checkJSON)
    }

    /// Whether an id has the shape `EDCA-<LETTERS>-<DIGITS>`.
    package static func isWellFormedID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "EDCA" && !parts[1].isEmpty
            && parts[1].allSatisfy { $0.isASCII && $0.isUppercase } && !parts[2].isEmpty
            && parts[2].allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func documentOrder(_ lhs: DecodingProblem, _ rhs: DecodingProblem) -> Bool {
        let left = lhs.position.map { ($0.line, $0.column) } ?? (0, 0)
        let right = rhs.position.map { ($0.line, $0.column) } ?? (0, 0)
        return left < right
    }

    private static func decodeSeverity(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> Severity? {
        guard let json, let text = JSONRead.string(json, "severity", &problems) else { return nil }
        if let severity = Severity(rawValue: text) { return severity }
        let names = Severity.allCases.map(\.rawValue)
        var message = "expected one of \(names.joined(separator: ", ")), found \"\(text)\""
        if let suggestion = closestName(to: text, among: names) { message += " (did you mean '\(suggestion)'?)" }
        problems.append(DecodingProblem(position: json.position, field: "severity", message: message))
        return nil
    }

    private static func decodeSubject(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> ControlSubject? {
        guard let json, let text = JSONRead.string(json, "subject", &problems) else { return nil }
        if let subject = ControlSubject(rawValue: text) { return subject }
        let names = ControlSubject.allCases.map(\.rawValue)
        var message = "expected one of \(names.joined(separator: ", ")), found \"\(text)\""
        if let suggestion = closestName(to: text, among: names) { message += " (did you mean '\(suggestion)'?)" }
        problems.append(DecodingProblem(position: json.position, field: "subject", message: message))
        return nil
    }

    private static func decodeWeight(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> Int? {
        guard let json, let weight = JSONRead.integer(json, "severityWeight", &problems) else { return nil }
        guard severityWeights.contains(Int(weight)) else {
            problems.append(
                DecodingProblem(
                    position: json.position, field: "severityWeight",
                    message: "out of range: expected \(severityWeights.lowerBound) to \(severityWeights.upperBound), "
                        + "found \(weight)"))
            return nil
        }
        return Int(weight)
    }

    private static func decodeNonEmptyList(
        _ json: JSONValue?, _ field: String, _ problems: inout [DecodingProblem]
    ) -> [String]? {
        guard let json, let list = JSONRead.stringList(json, field, &problems) else { return nil }
        if list.isEmpty {
            problems.append(DecodingProblem(position: json.position, field: field, message: "list at least one"))
            return nil
        }
        return list
    }

    private static func decodeRoles(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> [ExchangeRole]? {
        guard let json, let names = decodeNonEmptyList(json, "roles", &problems),
            case .array(let items) = json.kind
        else { return nil }
        var roles: [ExchangeRole] = []
        for (index, (name, item)) in zip(names, items).enumerated() {
            guard let role = ExchangeRole(rawValue: name) else {
                problems.append(
                    DecodingProblem(
                        position: item.position, field: "roles[\(index)]",
                        message: "unknown role \"\(name)\"; expected Mailbox or Edge"))
                continue
            }
            roles.append(role)
        }
        return roles.count == names.count ? roles : nil
    }

    private static func decodeReferences(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> [Reference]? {
        guard let json, let items = JSONRead.array(json, "references", &problems) else { return nil }
        var references: [Reference] = []
        for (index, item) in items.enumerated() {
            let path = "references[\(index)]"
            guard var reader = JSONObjectReader(item, path: path, problems: &problems) else { continue }
            let name = reader.require("name", problems: &problems).flatMap {
                JSONRead.nonEmptyString($0, path + ".name", &problems)
            }
            let urlJSON = reader.require("url", problems: &problems)
            var url = urlJSON.flatMap { JSONRead.nonEmptyString($0, path + ".url", &problems) }
            if let text = url, let urlJSON, !(text.hasPrefix("https://") || text.hasPrefix("http://")) {
                problems.append(
                    DecodingProblem(
                        position: urlJSON.position, field: path + ".url",
                        message: "expected an http:// or https:// address, found \"\(text)\""))
                url = nil
            }
            reader.reportUnknownFields(knownNames: ["name", "url"], problems: &problems)
            if let name, let url { references.append(Reference(name: name, url: url)) }
        }
        return references.count == items.count ? references : nil
    }

    private static func decodeRemediation(_ json: JSONValue?, _ problems: inout [DecodingProblem]) -> Remediation? {
        guard let json, var reader = JSONObjectReader(json, path: "remediation", problems: &problems) else {
            return nil
        }
        let automatable = reader.require("automatable", problems: &problems).flatMap {
            JSONRead.bool($0, "remediation.automatable", &problems)
        }
        let description = reader.require("description", problems: &problems).flatMap {
            JSONRead.nonEmptyString($0, "remediation.description", &problems)
        }
        let script = reader.require("scriptTemplate", problems: &problems).flatMap {
            JSONRead.string($0, "remediation.scriptTemplate", &problems)
        }
        reader.reportUnknownFields(knownNames: ["automatable", "description", "scriptTemplate"], problems: &problems)
        guard let automatable, let description, let script else { return nil }
        return Remediation(automatable: automatable, description: description, scriptTemplate: script)
    }
}

extension JSONValue {
    /// The first member with this name, when the value is an object.
    func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = kind else { return nil }
        return members.first { $0.name == name }?.value
    }
}
