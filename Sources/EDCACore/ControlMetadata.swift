/// What a control says about itself: everything but its check. The spool and the reports render controls from
/// this, without knowing the check language.
package struct ControlMetadata: Sendable {
    /// A document the control cites.
    package struct Reference: Sendable, Hashable {
        /// The document's title.
        package var name: String
        /// Where to read it.
        package var url: String

        /// Creates a reference.
        package init(name: String, url: String) {
            self.name = name
            self.url = url
        }
    }

    /// How to bring a failing host into line.
    package struct Remediation: Sendable, Hashable {
        /// Whether the fix can be applied by a script without judgement.
        package var automatable: Bool
        /// The fix in words.
        package var description: String
        /// A PowerShell script an administrator can read and run.
        package var scriptTemplate: String

        /// Creates a remediation.
        package init(automatable: Bool, description: String, scriptTemplate: String) {
            self.automatable = automatable
            self.description = description
            self.scriptTemplate = scriptTemplate
        }
    }

    /// The identifier, such as `EDCA-SEC-043`; the file is named after it.
    package var id: String
    /// A one-line statement of what a compliant host does.
    package var title: String
    /// Why the control matters.
    package var description: String
    /// Whether the control counts in weighted scores and generated remediation (upstream's `verify`).
    package var verify: Bool
    /// What the control is about: a server, the organization, a database.
    package var subject: ControlSubject
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
    package var requirements: [String]
    /// How to fix a failure.
    package var remediation: Remediation
    /// What to weigh before applying the fix, and what the check cannot see.
    package var considerations: String
    /// The Exchange roles the control applies to.
    package var roles: [ExchangeRole]

    /// Creates the metadata of a control.
    package init(
        id: String, title: String, description: String, verify: Bool, subject: ControlSubject, category: String,
        severity: Severity, severityWeight: Int, frameworks: [String], references: [Reference],
        requirements: [String] = [], remediation: Remediation, considerations: String, roles: [ExchangeRole]
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.verify = verify
        self.subject = subject
        self.category = category
        self.severity = severity
        self.severityWeight = severityWeight
        self.frameworks = frameworks
        self.references = references
        self.requirements = requirements
        self.remediation = remediation
        self.considerations = considerations
        self.roles = roles
    }
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

/// What a control's verdict is about (the control file's `subject`): each server, or something the servers share.
package enum ControlSubject: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Each server: one verdict per scanned host.
    case server = "Server"
    /// The Exchange organization: one verdict per organization per scan, on the facts of one chosen host.
    case organization = "Organization"
    /// Every mailbox of the organization, judged as a whole: evaluated like ``organization``.
    case mailbox = "Mailbox"
    /// A mailbox database: one verdict per database.
    case database = "Database"

    /// Whether the control is evaluated once per organization (``organization`` and ``mailbox``) rather than on
    /// every server.
    package var isOrganizationWide: Bool {
        self == .organization || self == .mailbox
    }

    package var description: String { rawValue }
}
