package import EDCACore
package import EDCAJSON

/// The report page: the repository's template, stylesheet and script with the report's data as one JSON block.
/// Pure: the caller reads the template files and writes the page.
package enum ReportPage {
    /// The page's data format; the script refuses data of another format.
    package static let dataFormat = 1

    /// The marks the template must hold exactly once each, replaced by the stylesheet, the script and the data.
    package static let styleMark = "<!--edca:style-->"
    /// See ``styleMark``.
    package static let scriptMark = "<!--edca:script-->"
    /// See ``styleMark``.
    package static let dataMark = "<!--edca:data-->"

    /// The letter of a status in the data and in the matrix: P, F, U, S, E.
    package static func letter(_ status: Status?) -> Character {
        switch status {
        case .pass: "P"
        case .fail: "F"
        case .unknown: "U"
        case .skipped: "S"
        case .error: "E"
        case nil: "-"
        }
    }

    /// The page: `template` with `stylesheet`, `script` and the data put in place of its marks.
    package static func assemble(
        template: String, stylesheet: String, script: String, data: JSONOutput
    ) throws(ReportError) -> [UInt8] {
        for mark in [styleMark, scriptMark, dataMark] where template.ranges(of: mark).count != 1 {
            throw ReportError(.badInput, "the report template must contain \(mark) exactly once")
        }
        // Inside <script type="application/json"> only `</script` could end the block early; writing every `<` as
        // \u003c (valid in JSON strings, the only place `<` occurs) rules that out.
        var json: [UInt8] = []
        let compact = data.compactBytes()
        json.reserveCapacity(compact.count + compact.count / 64)
        for byte in compact {
            if byte == UInt8(ascii: "<") {
                json.append(contentsOf: Array(#"\u003c"#.utf8))
            } else {
                json.append(byte)
            }
        }
        let dataBlock =
            Array(#"<script type="application/json" id="edca-data">"#.utf8) + json + Array("</script>".utf8)
        let styleBlock = "<style>\n\(stylesheet)</style>"
        let scriptBlock = "<script>\n\(script.replacing("</script", with: "<\\/script"))</script>"
        let withCode = template.replacing(styleMark, with: styleBlock).replacing(scriptMark, with: scriptBlock)
        guard let mark = withCode.firstRange(of: dataMark) else { return [] }
        return Array(withCode[..<mark.lowerBound].utf8) + dataBlock + Array(withCode[mark.upperBound...].utf8)
    }

    /// The data block's document: everything the page's script shows, evidence lines stored once each.
    package static func data(_ report: FleetReport, generatedAt: Int64, productVersion: String) -> JSONOutput {
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        func intern(_ text: String) -> JSONOutput {
            if let index = stringIndex[text] { return .integer(Int64(index)) }
            stringIndex[text] = strings.count
            strings.append(text)
            return .integer(Int64(strings.count - 1))
        }
        let hosts: [JSONOutput] = report.hosts.map { row in
            var members: [(String, JSONOutput)] = [("name", .string(row.host.name))]
            if let ip = row.host.ip { members.append(("ip", .string(ip))) }
            if let role = row.host.role { members.append(("role", .string(role))) }
            if let os = row.host.osName { members.append(("os", .string(os))) }
            members += [
                ("statuses", .string(String(row.statuses.map(letter)))),
                ("evidence", .array(row.evidence.map { .array($0.map(intern)) })),
                ("passed", .integer(Int64(row.score.passedWeight))),
                ("counted", .integer(Int64(row.score.countedWeight))),
                ("new", .bool(row.isNew)),
            ]
            return .object(members)
        }
        let controls: [JSONOutput] = report.controls.map { control in
            var members: [(String, JSONOutput)] = [
                ("id", .string(control.id)), ("title", .string(control.title)),
                ("description", .string(control.description)), ("category", .string(control.category)),
                ("subject", .string(control.subject)), ("severity", .string(control.severity)),
                ("weight", .integer(Int64(control.severityWeight))), ("verify", .bool(control.verify)),
                ("automatable", .bool(control.automatable)),
                ("frameworks", .array(control.frameworks.map(JSONOutput.string))),
                ("remediation", .string(control.remediation)),
                (
                    "references",
                    .array(control.references.map { .object([("name", .string($0.name)), ("url", .string($0.url))]) })
                ),
                ("failing", .integer(Int64(control.failingHosts))),
            ]
            if let script = control.scriptTemplate { members.append(("script", .string(script))) }
            if let considerations = control.considerations {
                members.append(("considerations", .string(considerations)))
            }
            return .object(members)
        }
        func pairs(_ list: [HostControl]) -> JSONOutput {
            .array(list.map { .array([.string($0.host), .string($0.control)]) })
        }
        func score(_ score: Score) -> [(String, JSONOutput)] {
            [("passed", .integer(Int64(score.passedWeight))), ("counted", .integer(Int64(score.countedWeight)))]
        }
        var run: [(String, JSONOutput)] = [
            ("id", .string(report.runID)), ("start", .integer(report.startTime)), ("end", .integer(report.endTime)),
            ("complete", .bool(report.summary != nil)),
        ]
        if let summary = report.summary {
            run += [
                ("hosts", .integer(Int64(summary.hosts))), ("reached", .integer(Int64(summary.reached))),
                ("failed", .integer(Int64(summary.failed))), ("interrupted", .integer(Int64(summary.interrupted))),
            ]
        }
        return .object([
            ("format", .integer(Int64(dataFormat))),
            ("generated", .integer(generatedAt)),
            ("product", .string("edca-agent \(productVersion)")),
            ("run", .object(run)),
            ("total", .object(score(report.total))),
            (
                "frameworks",
                .array(report.frameworkScores.map { .object([("name", .string($0.framework))] + score($0.score)) })
            ),
            ("counts", .object(Status.allCases.map { ($0.rawValue, .integer(Int64(report.statusCounts[$0] ?? 0))) })),
            ("controls", .array(controls)),
            ("hosts", .array(hosts)),
            (
                "unreached",
                .array(
                    report.unreached.map { scan in
                        var members: [(String, JSONOutput)] = [("name", .string(scan.host.name))]
                        if let ip = scan.host.ip { members.append(("ip", .string(ip))) }
                        members += [
                            ("errorClass", .string(scan.errorClass ?? "unknown")),
                            ("message", .string(scan.errorMessage ?? "")),
                        ]
                        return .object(members)
                    })
            ),
            (
                "drift",
                .object([
                    ("newFailures", pairs(report.drift.newFailures)), ("fixed", pairs(report.drift.fixed)),
                    ("stillFailing", pairs(report.drift.stillFailing)),
                    ("newHosts", .array(report.drift.newHosts.map(JSONOutput.string))),
                    ("goneHosts", report.drift.goneHosts.map { .array($0.map(JSONOutput.string)) } ?? .null),
                ])
            ),
            (
                "trend",
                .array(
                    report.trend.map {
                        .object([("run", .string($0.runID)), ("time", .integer($0.time))] + score($0.score))
                    })
            ),
            ("strings", .array(strings.map(JSONOutput.string))),
        ])
    }
}
