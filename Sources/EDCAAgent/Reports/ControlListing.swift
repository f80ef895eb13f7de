package import EDCACore
package import EDCAEngine
package import EDCAJSON

/// Which controls a listing shows; each filter that is set must match (names ignore case).
package struct ControlFilter: Sendable {
    /// A framework the control must cite, such as `CIS`.
    package var framework: String?
    /// The control's category, such as `Platform Security`.
    package var category: String?
    /// The control's severity.
    package var severity: Severity?
    /// A role the control must apply to.
    package var role: ExchangeRole?

    /// Creates a filter; nil fields match everything.
    package init(
        framework: String? = nil, category: String? = nil, severity: Severity? = nil, role: ExchangeRole? = nil
    ) {
        self.framework = framework
        self.category = category
        self.severity = severity
        self.role = role
    }

    /// Whether the control passes every filter that is set.
    package func matches(_ control: Control) -> Bool {
        if let framework, !control.frameworks.contains(where: { $0.lowercased() == framework.lowercased() }) {
            return false
        }
        if let category, control.category.lowercased() != category.lowercased() { return false }
        if let severity, control.severity != severity { return false }
        if let role, !control.roles.contains(role) { return false }
        return true
    }
}

/// Renders controls for `controls list` and `controls show`.
package enum ControlListing {
    /// A table of controls: id, severity, weight, category, roles, frameworks, title.
    package static func table(_ controls: [Control]) -> String {
        var table = TextTable(header: ["ID", "SEVERITY", "WEIGHT", "CATEGORY", "ROLES", "FRAMEWORKS", "TITLE"])
        for control in controls {
            table.rows.append([
                control.id, control.severity.rawValue, String(control.severityWeight), control.category,
                control.roles.map(\.rawValue).joined(separator: ","), control.frameworks.joined(separator: ","),
                control.title,
            ])
        }
        return table.rendered()
    }

    /// A JSON array with every field of each control, `check` as written.
    package static func json(_ controls: [Control]) -> String {
        JSONOutput.array(controls.map(document)).rendered()
    }

    /// One control in full: every field of the file, then the registry reads its check makes.
    package static func details(_ control: Control) -> String {
        var lines = [
            "\(control.id): \(control.title)",
            "",
            "Severity:       \(control.severity) (weight \(control.severityWeight))",
            "Category:       \(control.category)",
            "Subject:        \(control.subject)",
            "Roles:          \(control.roles.map(\.rawValue).joined(separator: ", "))",
            "Frameworks:     \(control.frameworks.joined(separator: ", "))",
            "Verify:         \(control.verify ? "yes" : "no (reported, not scored)")",
            "",
            "Description:",
            control.description,
            "",
            "Considerations:",
            control.considerations,
            "",
            "References:",
        ]
        lines += control.references.map { "- \($0.name): \($0.url)" }
        if !control.requirements.isEmpty { lines += ["", "Requirements:"] + control.requirements.map { "- " + $0 } }
        lines += ["", "Fact reads:"]
        lines += FactRequest(checks: [control.check]).reads.map { "- \($0)" }
        lines += ["", "Check:", JSONOutput(control.checkSource).rendered()]
        lines += ["", "Remediation (\(control.remediation.automatable ? "automatable" : "manual")):"]
        lines += [control.remediation.description, "", control.remediation.scriptTemplate]
        return lines.joined(separator: "\n")
    }

    /// Every field of a control as a JSON object, in the file's order.
    package static func document(_ control: Control) -> JSONOutput {
        // `requirements` is optional in the file, so it is listed only when the control has some.
        let requirements: [(String, JSONOutput)] =
            control.requirements.isEmpty
            ? [] : [("requirements", .array(control.requirements.map(JSONOutput.string)))]
        return .object(
            [
                ("id", .string(control.id)),
                ("title", .string(control.title)),
                ("description", .string(control.description)),
                ("verify", .bool(control.verify)),
                ("subject", .string(control.subject.rawValue)),
                ("category", .string(control.category)),
                ("severity", .string(control.severity.rawValue)),
                ("severityWeight", .integer(Int64(control.severityWeight))),
                ("frameworks", .array(control.frameworks.map(JSONOutput.string))),
                (
                    "references",
                    .array(control.references.map { .object([("name", .string($0.name)), ("url", .string($0.url))]) })
                ),
            ] + requirements + [
                (
                    "remediation",
                    .object([
                        ("automatable", .bool(control.remediation.automatable)),
                        ("description", .string(control.remediation.description)),
                        ("scriptTemplate", .string(control.remediation.scriptTemplate)),
                    ])
                ),
                ("considerations", .string(control.considerations)),
                ("roles", .array(control.roles.map { .string($0.rawValue) })),
                ("check", JSONOutput(control.checkSource)),
            ])
    }
}
