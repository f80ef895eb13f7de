package import EDCACore
package import EDCAEngine
package import EDCAJSON

/// The verdicts of controls on one host, ready to print as a table or as JSON.
package struct EvaluationReport: Sendable {
    /// Where the facts came from, such as the snapshot file.
    package var source: String
    /// The host's Exchange role.
    package var role: ExchangeRole
    /// Each control with its verdict, in catalog order.
    package var results: [(control: Control, verdict: Verdict)]

    /// Creates a report of verdicts already made.
    package init(source: String, role: ExchangeRole, results: [(control: Control, verdict: Verdict)]) {
        self.source = source
        self.role = role
        self.results = results
    }

    /// Evaluates controls on a snapshot.
    package init(source: String, role: ExchangeRole, controls: [Control], snapshot: HostSnapshot) {
        self.source = source
        self.role = role
        let plan = EvaluationPlan(controls: controls)
        let facts = plan.facts(from: snapshot)
        self.results = controls.indices.flatMap { index in
            plan.verdicts(controlAt: index, on: facts, role: role).map { (controls[index], $0) }
        }
    }

    /// How many verdicts have each status, in the order Pass, Fail, Unknown, Skipped, Error.
    package var counts: [(Status, Int)] {
        Status.allCases.map { status in (status, results.count { $0.verdict.status == status }) }
    }

    /// The report as a JSON document: `results` with `control`, `status` and `evidence` for each control.
    package func json() -> String {
        document(extra: []).rendered()
    }

    /// The report's JSON document, with `extra` members after `role`.
    package func document(extra: [(String, JSONOutput)]) -> JSONOutput {
        let items = results.map { control, verdict in
            JSONOutput.object([
                ("control", .string(control.id)),
                ("title", .string(control.title)),
                ("subject", .string(control.subject.rawValue)),
                ("database", verdict.database.map(JSONOutput.string) ?? .null),
                ("status", .string(verdict.status.rawValue)),
                ("severity", .string(control.severity.rawValue)),
                ("severityWeight", .integer(Int64(control.severityWeight))),
                ("category", .string(control.category)),
                ("frameworks", .array(control.frameworks.map(JSONOutput.string))),
                ("evidence", .array(verdict.evidenceLines.map(JSONOutput.string))),
            ])
        }
        return JSONOutput.object(
            [("source", .string(source)), ("role", .string(role.rawValue))] + extra + [
                ("summary", .object(counts.map { ($0.0.rawValue, .integer(Int64($0.1))) })),
                ("results", .array(items)),
            ])
    }

    /// The report as a table with each control's evidence indented below it, then a one-line summary.
    package func table() -> String {
        var lines: [String] = []
        let statusWidth = Status.allCases.map(\.rawValue.count).max() ?? 0
        let idWidth = results.map(\.control.id.count).max() ?? 0
        for (control, verdict) in results {
            // A verdict about something other than the server says what: `[Organization] title`.
            let subject =
                control.subject == .server ? "" : "[\(control.subject)\(verdict.database.map { " \($0)" } ?? "")] "
            lines.append(
                "\(verdict.status.rawValue.padding(to: statusWidth))  \(control.id.padding(to: idWidth))  "
                    + "\(control.severity.rawValue.padding(to: 8))  \(subject)\(control.title)")
            for line in verdict.evidenceLines {
                lines.append(String(repeating: " ", count: statusWidth + 2) + "  - " + line)
            }
        }
        let summary = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
        lines.append("")
        lines.append(
            "\(countNoun(results.count, "control")) on \(source) (role \(role)): \(summary.isEmpty ? "none" : summary)")
        return lines.joined(separator: "\n")
    }
}
