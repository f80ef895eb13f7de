package import EDCACore
package import EDCAJSON

/// One hardening control: the rule of a baseline, how to check it, and how to fix it.
///
/// Every field of the control file format (`Controls/<ID>.json`) is kept here: what the control says about itself
/// (``metadata``, a noun of EDCACore the spool and reports render) and ``check``, the declarative part the engine
/// evaluates.
package struct Control: Sendable {
    /// A document the control cites.
    package typealias Reference = ControlMetadata.Reference
    /// How to bring a failing host into line.
    package typealias Remediation = ControlMetadata.Remediation

    /// Everything but the check.
    package var metadata: ControlMetadata
    /// How the verdict follows from registry facts.
    package var check: Check
    /// The `check` member as written, for display.
    package var checkSource: JSONValue

    /// Creates a control from its fields.
    package init(
        id: String, title: String, description: String, verify: Bool, subject: ControlSubject, category: String,
        severity: Severity, severityWeight: Int, frameworks: [String], references: [Reference],
        requirements: [String] = [], remediation: Remediation, considerations: String, roles: [ExchangeRole],
        check: Check,
        checkSource: JSONValue
    ) {
        self.metadata = ControlMetadata(
            id: id, title: title, description: description, verify: verify, subject: subject, category: category,
            severity: severity, severityWeight: severityWeight, frameworks: frameworks, references: references,
            requirements: requirements, remediation: remediation, considerations: considerations, roles: roles)
        self.check = check
        self.checkSource = checkSource
    }

    /// Identifiers of the baseline requirements the control checks (optional member `requirements`).
    package var requirements: [String] {
        get { metadata.requirements }
        set { metadata.requirements = newValue }
    }

    /// The identifier, such as `EDCA-SEC-043`; the file is named after it.
    package var id: String {
        get { metadata.id }
        set { metadata.id = newValue }
    }

    /// A one-line statement of what a compliant host does.
    package var title: String {
        get { metadata.title }
        set { metadata.title = newValue }
    }

    /// Why the control matters.
    package var description: String {
        get { metadata.description }
        set { metadata.description = newValue }
    }

    /// Whether the control counts in weighted scores and generated remediation (upstream's `verify`).
    package var verify: Bool {
        get { metadata.verify }
        set { metadata.verify = newValue }
    }

    /// What the control is about: a server, the organization, a database.
    package var subject: ControlSubject {
        get { metadata.subject }
        set { metadata.subject = newValue }
    }

    /// The category, such as `Platform Security`.
    package var category: String {
        get { metadata.category }
        set { metadata.category = newValue }
    }

    /// How serious a failure is.
    package var severity: Severity {
        get { metadata.severity }
        set { metadata.severity = newValue }
    }

    /// The weight of a failure in scores, from 1 to 10.
    package var severityWeight: Int {
        get { metadata.severityWeight }
        set { metadata.severityWeight = newValue }
    }

    /// The baselines that require it: `CIS`, `ANSSI`, `BSI`, ...
    package var frameworks: [String] {
        get { metadata.frameworks }
        set { metadata.frameworks = newValue }
    }

    /// Documents the control cites.
    package var references: [Reference] {
        get { metadata.references }
        set { metadata.references = newValue }
    }

    /// How to fix a failure.
    package var remediation: Remediation {
        get { metadata.remediation }
        set { metadata.remediation = newValue }
    }

    /// What to weigh before applying the fix, and what the check cannot see.
    package var considerations: String {
        get { metadata.considerations }
        set { metadata.considerations = newValue }
    }

    /// The Exchange roles the control applies to.
    package var roles: [ExchangeRole] {
        get { metadata.roles }
        set { metadata.roles = newValue }
    }
}

/// The outcome of one control on one host: a status and the evidence for it.
package struct Verdict: Sendable {
    /// The control's id.
    package var controlID: String
    /// The verdict.
    package var status: Status
    /// What the check saw, fact by fact.
    package var findings: [Finding]
    /// The mailbox database the verdict is about (a control of subject `Database`: one verdict per row of the
    /// `MailboxDatabase` stage key, named by its `Name`); nil for a verdict about the server or the organization.
    package var database: String? = nil

    /// The evidence an auditor reads: the facts that decided the verdict, once each, in the order the check read
    /// them. Branches whose condition did not hold are left out unless they make the verdict (Skipped, or a group
    /// none of whose checks applies); a fact read again shows once, with every rule it was held to.
    package var evidence: [Evidence] {
        var kept = findings
        let explainsSkipping = findings.contains {
            if case .noneApplies = $0 { return true }
            return false
        }
        if status != .skipped && !explainsSkipping {
            var dropped = [Bool](repeating: false, count: findings.count)
            for (index, finding) in findings.enumerated() {
                if case .applicability(.skipped, let gateStart) = finding, gateStart <= index {
                    for position in gateStart...index { dropped[position] = true }
                }
            }
            kept = zip(findings, dropped).filter { !$0.1 }.map(\.0)
        }
        return kept.map(\.evidence).mergingRepeatedFacts()
    }

    /// The evidence as lines, as the terminal report prints them.
    package var evidenceLines: [String] { evidence.map(\.description) }
}

extension Control {
    /// Evaluates the control on a host: `Skipped` when the host's role is not among ``roles``, else the check's
    /// verdict on the snapshot. Pure: no I/O. To evaluate many controls or hosts, compile an ``EvaluationPlan`` once.
    package func evaluate(on snapshot: HostSnapshot, role: ExchangeRole) -> Verdict {
        let plan = EvaluationPlan(controls: [self])
        return plan.evaluate(controlAt: 0, on: plan.facts(from: snapshot), role: role)
    }

    /// Evaluates the control on a host known by its registry alone.
    package func evaluate(on snapshot: RegistrySnapshot, role: ExchangeRole) -> Verdict {
        evaluate(on: HostSnapshot(registry: snapshot), role: role)
    }
}
