import EDCACore
package import EDCAEngine
import EDCAJSON
import EDCAProbe
import EDCATransport

/// The verdicts of one probed host, with what identifies it, as a table or JSON.
package struct HostReport: Sendable {
    /// The host as probed.
    package var scan: HostScan
    /// The evaluation report of its verdicts.
    private var evaluation: EvaluationReport

    /// Creates the report of a scan of these controls.
    package init(scan: HostScan, controls: [Control]) {
        self.scan = scan
        let source = "\(scan.endpoint.host):\(scan.endpoint.port)"
        // The server controls' verdicts (one per database for a Database control) and the organization controls'
        // when this host collected them, in the catalog's order as `evaluate` lists them.
        let position = Dictionary(
            controls.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let verdicts = (scan.verdicts + (scan.organization?.verdicts ?? [])).enumerated().compactMap {
            (offset, verdict) in position[verdict.controlID].map { (index: $0, offset: offset, verdict: verdict) }
        }
        evaluation = EvaluationReport(
            source: source, role: scan.role,
            results: verdicts.sorted { ($0.index, $0.offset) < ($1.index, $1.offset) }.map {
                (controls[$0.index], $0.verdict)
            })
    }

    /// One line naming the host: computer name, address, Windows and Exchange builds, role, host key.
    package var headline: String {
        let identity = scan.identity
        var parts = ["\(identity.computerName ?? scan.endpoint.host) (\(scan.endpoint.host):\(scan.endpoint.port))"]
        if let product = identity.windowsProduct { parts.append(product) }
        if let build = identity.windowsBuild { parts.append("build \(build)") }
        if let version = identity.exchangeVersion { parts.append("Exchange \(version)") }
        parts.append("role \(scan.role)")
        parts.append("host key \(scan.hostKeyFingerprint)")
        return parts.joined(separator: ", ")
    }

    /// The headline, the verdicts with their evidence, the reads the probe could not answer, and a summary.
    package func table() -> String {
        var lines = [headline, ""]
        lines.append(evaluation.table())
        if let error = scan.snapshot.exchange.stageError {
            lines.append("")
            lines.append("Exchange stage: \(error.description); the Exchange controls are Unknown.")
        }
        if !scan.readErrors.isEmpty {
            lines.append("")
            lines.append("Reads the probe could not answer (their facts count as unreadable):")
            lines += scan.readErrors.map { "  - " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The evaluation report's JSON document with a `host` object added.
    package func json() -> String {
        let identity = scan.identity
        func optional(_ text: String?) -> JSONOutput { text.map(JSONOutput.string) ?? .null }
        let host = JSONOutput.object([
            ("address", .string(scan.endpoint.host)),
            ("port", .integer(Int64(scan.endpoint.port))),
            ("computerName", optional(identity.computerName)),
            ("windowsProduct", optional(identity.windowsProduct)),
            ("windowsBuild", optional(identity.windowsBuild)),
            ("exchangeVersion", optional(identity.exchangeVersion)),
            ("role", .string(scan.role.rawValue)),
            ("hostKeyFingerprint", .string(scan.hostKeyFingerprint)),
            ("readErrors", .array(scan.readErrors.map(JSONOutput.string))),
            (
                "exchangeStageError",
                scan.snapshot.exchange.stageError.map {
                    .object([("class", .string($0.errorClass)), ("message", .string($0.description))])
                } ?? .null
            ),
        ])
        return evaluation.document(extra: [("host", host)]).rendered()
    }
}
