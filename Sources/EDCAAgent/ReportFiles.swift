import EDCAEngine
package import EDCAReport
package import Foundation

/// Why `report` or `remediation` failed: bad input (exit 65) or a file that cannot be read or written (66).
package struct ReportFailure: Error, Sendable, CustomStringConvertible {
    /// Whether the input is wrong rather than unreadable.
    package var isBadInput: Bool
    /// The message, naming the file, line and field where there is one.
    package var description: String

    init(_ error: ReportError) {
        isBadInput = error.kind == .badInput
        description = error.message
    }
}

/// What `report` and `remediation` read: which spool, which run, which controls directory.
package struct ReportSource: Sendable {
    /// The spool directory.
    package var spoolDirectory: String
    /// The run id, nil for the newest run.
    package var runID: String?
    /// The controls directory: scripts and considerations by control id, and whatever an event lacks.
    package var controlsDirectory: String

    /// Creates a source.
    package init(spoolDirectory: String, runID: String?, controlsDirectory: String) {
        self.spoolDirectory = spoolDirectory
        self.runID = runID
        self.controlsDirectory = controlsDirectory
    }
}

/// The file side of `report` and `remediation`: reads the spool, the controls and the page template, and writes
/// the result atomically (a temporary file renamed into place, removed on failure: never a partial file).
package enum ReportFiles {
    /// The agent version written into reports.
    package static let productVersion = AgentProduct.version

    /// The report template directory: `ReportTemplate/` in the current directory (a checkout), else
    /// `../share/edca-agent/ReportTemplate` next to the executable (`make install`), else the packaged path.
    package static func templateDirectory(explicit: String?) -> String {
        if let explicit { return explicit }
        var candidates = ["ReportTemplate"]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let prefix = executable.deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(prefix.appendingPathComponent("share/edca-agent/ReportTemplate").path)
        }
        candidates.append("/usr/share/edca-agent/ReportTemplate")
        return candidates.first { isDirectory($0) } ?? candidates[candidates.count - 1]
    }

    /// Writes the HTML report of the source's run to `output`; returns a one-line summary of it.
    @discardableResult
    package static func writeReport(
        _ source: ReportSource, templateDirectory: String, output: String, now: Date = Date()
    ) throws(ReportFailure) -> String {
        do throws(ReportError) {
            let report = try load(source)
            let template = try readText(templateDirectory + "/report.html")
            let stylesheet = try readText(templateDirectory + "/report.css")
            let script = try readText(templateDirectory + "/report.js")
            let data = ReportPage.data(
                report, generatedAt: Int64(now.timeIntervalSince1970 * 1000), productVersion: productVersion)
            let page = try ReportPage.assemble(template: template, stylesheet: stylesheet, script: script, data: data)
            try writeAtomically(page, to: output)
            return summary(report)
        } catch {
            throw ReportFailure(error)
        }
    }

    /// Writes the remediation script of the source's run to `output`, for `hosts` (all when empty); returns a
    /// one-line summary of the run.
    @discardableResult
    package static func writeRemediation(
        _ source: ReportSource, hosts: [String], output: String, now: Date = Date()
    ) throws(ReportFailure) -> String {
        do throws(ReportError) {
            let report = try load(source)
            let known = Set(report.hosts.map { $0.host.name.lowercased() })
            if let unknown = hosts.first(where: { !known.contains($0.lowercased()) }) {
                throw ReportError(.badInput, "--host \(unknown): no verdicts for this host in run \(report.runID)")
            }
            let stamp = ISO8601DateFormatter().string(from: now)
            let script = RemediationScript.render(
                report, hosts: hosts, generatedAt: stamp, productVersion: productVersion)
            try writeAtomically(Array(script.utf8), to: output)
            return summary(report)
        } catch {
            throw ReportFailure(error)
        }
    }

    /// `run <id>: <n> servers[, <k> organization and database rows], <m> controls, total score <s>%`.
    static func summary(_ report: FleetReport) -> String {
        let score = report.total.percent.map { "\(Int(($0).rounded()))%" } ?? "n/a"
        let servers = report.hosts.filter { $0.host.server == nil }.count
        let others = report.hosts.count - servers
        let rows = others == 0 ? "" : ", \(others) organization and database rows"
        return "run \(report.runID): \(servers) servers\(rows), \(report.controls.count) controls, total score \(score)"
    }

    /// The report model of the source's run.
    package static func load(_ source: ReportSource) throws(ReportError) -> FleetReport {
        let runs = try SpoolRuns.read(spoolFiles(source.spoolDirectory), directory: source.spoolDirectory)
        let (run, earlier) = try runs.select(source.runID)
        let catalog: ControlCatalog
        do {
            catalog = try ControlCatalog.load(directory: source.controlsDirectory)
        } catch {
            throw ReportError(error.kind == .badContent ? .badInput : .unreadable, error.description)
        }
        var details: [String: ControlDetails] = [:]
        for control in catalog.controls { details[control.id] = ControlDetails(control.metadata) }
        return FleetReport(run: run, earlier: earlier, details: details)
    }

    /// The spool's files in write order: rotated files by name (their names sort by time), then the active file.
    package static func spoolFiles(_ directory: String) throws(ReportError) -> [SpoolFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ReportError(.unreadable, "\(directory): cannot read the spool directory: \(reason(error))")
        }
        let rotated = names.filter { $0.hasPrefix("findings-") && $0.hasSuffix(".ndjson") }.sorted()
        let ordered = rotated + (names.contains("findings.ndjson") ? ["findings.ndjson"] : [])
        var files: [SpoolFile] = []
        for name in ordered {
            let path = directory + "/" + name
            files.append(SpoolFile(path: path, bytes: try readBytes(path)))
        }
        return files
    }

    /// A whole file's bytes, read with `read(2)` straight into the array (spool files run to hundreds of MiB).
    private static func readBytes(_ path: String) throws(ReportError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReportError(.unreadable, "\(path): cannot read the spool file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ReportError(.unreadable, "\(path): cannot read the spool file: \(String(cString: strerror(errno)))")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw ReportError(
                    .unreadable, "\(path): cannot read the spool file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            filled += count
        }
        // A file that grew meanwhile (a scan appending) is read up to its size at open; one that shrank is cut.
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    private static func readText(_ path: String) throws(ReportError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(.unreadable, "\(path): cannot read the report template (see --template-dir)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it to `path`; removes it on any failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ReportError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary), options: [.withoutOverwriting])
            guard rename(temporary, path) == 0 else {
                let message = String(cString: strerror(errno))
                unlink(temporary)
                throw ReportError(.unreadable, "\(path): cannot write: \(message)")
            }
        } catch let error as ReportError {
            throw error
        } catch {
            unlink(temporary)
            throw ReportError(.unreadable, "\(path): cannot write: \(reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
