/// One hardening control: the rule of a baseline, how to check it, and how to fix it.
///
/// Every field of the control file format (`Controls/<ID>.json`) is kept here; `check` is the declarative part the
/// engine evaluates.
package struct Control: Sendable {
    /// A document the control cites.
    package struct Reference: Sendable, Hashable {
        /// The document's title.
        package var name: String
        /// Where to read it.
        package var url: String
    }

    /// How to bring a failing host into line.
    package struct Remediation: Sendable, Hashable {
        /// Whether the fix can be applied by a script without judgement.
        package var automatable: Bool
        /// The fix in words.
        package var description: String
        /// A PowerShell script an administrator can read and run.
        package var scriptTemplate: String
    }

    /// The identifier, such as `EDCA-SEC-043`; the file is named after it.
    package var id: String
    /// A one-line statement of what a compliant host does.
    package var title: String
    /// Why the control matters.
    package var description: String
    /// Whether the control counts in weighted scores and generated remediation (upstream's `verify`).
    package var verify: Bool
    /// What the control is about, such as `Server`.
    package var subject: String
    /// The category, such as `Platform Security`.
    package var category: String
    /// How serious a failure is.
    package var severity: Severity
    /// The weight of a failure in scores, from 1 to 10.
    package var severityWeight: Int
    /// The baselines that require it: `CIS`, `ANSSI`, `BSI`, ...
    package var frameworks: [String]
    /// Documents the control cites.
    package var references: [Reference]
    /// Identifiers of the baseline requirements the control checks, such as `CIS 2.3.8` or `BSI SYS.1.2.3.A5`
    /// (optional member `requirements`; empty when the control data does not know them).
    package var requirements: [String] = []
    /// How to fix a failure.
    package var remediation: Remediation
    /// What to weigh before applying the fix, and what the check cannot see.
    package var considerations: String
    /// The Exchange roles the control applies to.
    package var roles: [ExchangeRole]
    /// How the verdict follows from registry facts.
    package var check: Check
    /// The `check` member as written, for display.
    package var checkSource: JSONValue
}

/// How serious a control's failure is.
package enum Severity: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Critical.
    case critical = "Critical"
    /// High.
    case high = "High"
    /// Medium.
    case medium = "Medium"
    /// Low.
    case low = "Low"
    /// Informational.
    case informational = "Informational"

    package var description: String { rawValue }
}

/// The outcome of one control on one host: a status and the evidence for it.
package struct Verdict: Sendable {
    /// The control's id.
    package var controlID: String
    /// The verdict.
    package var status: Status
    /// What the check saw, fact by fact.
    package var findings: [Finding]

    /// The findings as evidence lines an auditor can read.
    package var evidence: [String] { findings.map(\.description) }
}

extension Control {
    /// Evaluates the control on a host: `Skipped` when the host's role is not among ``roles``, else the check's
    /// verdict on the snapshot. Pure: no I/O. To evaluate many controls or hosts, compile an ``EvaluationPlan`` once.
    package func evaluate(on snapshot: RegistrySnapshot, role: ExchangeRole) -> Verdict {
        let plan = EvaluationPlan(controls: [self])
        return plan.evaluate(controlAt: 0, on: plan.facts(from: snapshot), role: role)
    }
}
