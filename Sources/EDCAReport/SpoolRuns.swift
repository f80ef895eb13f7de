/// Why a report cannot be made; the message names the file, the line and the field where there is one.
package struct ReportError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: it decides the exit status.
    package enum Kind: Sendable {
        /// The input is there but wrong (malformed line, torn line, newer format, empty spool, unknown run).
        case badInput
        /// A file or directory cannot be read or written.
        case unreadable
    }

    /// The kind.
    package var kind: Kind
    /// The message.
    package var message: String

    /// Creates an error.
    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}

/// The events of one run, in spool order.
package struct RunEvents: Sendable {
    /// The run id.
    package var runID: String
    /// Its findings.
    package var findings: [FindingRecord] = []
    /// Its per-host Scan Activity events.
    package var hostScans: [HostScanRecord] = []
    /// Its closing Scan Activity, when the run finished writing.
    package var summary: RunScanRecord?
    /// The time of its first event, epoch milliseconds.
    package var firstTime: Int64
    /// Where its findings are: file index and byte range of each line, to decode them in full when selected.
    var findingLines: [(file: Int, range: Range<Int>)] = []
    /// Whether some of its findings were decoded in summary only.
    var hasSummaries = false

    /// Creates an empty run.
    package init(runID: String, firstTime: Int64) {
        self.runID = runID
        self.firstTime = firstTime
    }
}

/// A spool file's name and bytes, as read from disk.
package struct SpoolFile: Sendable {
    /// The path, for messages.
    package var path: String
    /// The file's bytes.
    package var bytes: [UInt8]

    /// Creates a file.
    package init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// Every run a spool holds, oldest first.
///
/// Reading decodes the lines of earlier files in summary (ids, statuses, weights, hosts: what scores, drift and the
/// trend need) and those of the newest file in full; selecting a run decoded in summary decodes its findings again
/// in full (texts, evidence).
package struct SpoolRuns: Sendable {
    /// The runs, ordered by their first event's time.
    package var runs: [RunEvents]
    /// The files read, for decoding the selected run in full.
    let files: [SpoolFile]

    /// Reads the events of spool files (rotated files first, the active file last); every line must be whole.
    package static func read(_ files: [SpoolFile], directory: String) throws(ReportError) -> SpoolRuns {
        var byID: [String: Int] = [:]
        var runs: [RunEvents] = []
        // The newest file holds the newest run, the one usually reported: its lines are decoded in full at once.
        let newestFile = files.lastIndex { !$0.bytes.isEmpty }
        for (fileIndex, file) in files.enumerated() where !file.bytes.isEmpty {
            let detail: DecodingDetail = fileIndex == newestFile ? .full : .summary
            if file.bytes.last != UInt8(ascii: "\n") {
                let lines = file.bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } + 1
                throw ReportError(
                    .badInput,
                    "\(file.path):\(lines): the last line is torn (no newline at its end): a scan is writing "
                        + "this file or stopped in the middle of a write; wait for the scan to finish, or run a scan "
                        + "to repair the spool")
            }
            var lineNumber = 0
            var start = 0
            let bytes = file.bytes
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while bytes[end] != UInt8(ascii: "\n") { end += 1 }
                defer { start = end + 1 }
                if end == start { continue }
                let decoded = bytes.withUnsafeBufferPointer { buffer in
                    Result { () throws(EventProblem) in
                        try SpoolEventDecoder.decode(UnsafeBufferPointer(rebasing: buffer[start..<end]), detail: detail)
                    }
                }
                let event: SpoolEvent?
                do {
                    event = try decoded.get()
                } catch {
                    throw ReportError(.badInput, "\(file.path):\(lineNumber): \(error.message)")
                }
                guard let event else { continue }
                let (runID, time) =
                    switch event {
                    case .finding(let record): (record.runID, record.time)
                    case .hostScan(let record): (record.runID, record.time)
                    case .runScan(let record): (record.runID, record.endTime)
                    }
                let index: Int
                if let known = byID[runID] {
                    index = known
                } else {
                    index = runs.count
                    byID[runID] = index
                    runs.append(RunEvents(runID: runID, firstTime: time))
                }
                runs[index].firstTime = min(runs[index].firstTime, time)
                switch event {
                case .finding(let record):
                    runs[index].findings.append(record)
                    runs[index].findingLines.append((fileIndex, start..<end))
                    if detail == .summary { runs[index].hasSummaries = true }
                case .hostScan(let record): runs[index].hostScans.append(record)
                case .runScan(let record):
                    runs[index].summary = record
                    runs[index].firstTime = min(runs[index].firstTime, record.startTime)
                }
            }
        }
        guard !runs.isEmpty else {
            throw ReportError(
                .badInput, "\(directory): the spool holds no scan events (no findings*.ndjson, or only empty ones)")
        }
        runs.sort { ($0.firstTime, $0.runID) < ($1.firstTime, $1.runID) }
        return SpoolRuns(runs: runs, files: files)
    }

    /// The run with this id, or the newest when `id` is nil, its findings decoded in full, and the runs before it;
    /// an unknown id is an error listing the newest known ones.
    package func select(_ id: String?) throws(ReportError) -> (run: RunEvents, earlier: [RunEvents]) {
        let index = try position(of: id)
        var run = runs[index]
        for (number, line) in run.findingLines.enumerated() where run.hasSummaries {
            run.findings[number] = try fullFinding(line)
        }
        try carryUnchangedFindings(into: &run, from: runs[..<index])
        return (run, Array(runs[..<index]))
    }

    /// The finding on a line, decoded in full.
    private func fullFinding(_ line: (file: Int, range: Range<Int>)) throws(ReportError) -> FindingRecord {
        let file = files[line.file]
        let decoded = file.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(EventProblem) in
                try SpoolEventDecoder.decode(UnsafeBufferPointer(rebasing: buffer[line.range]), detail: .full)
            }
        }
        let event: SpoolEvent?
        do {
            event = try decoded.get()
        } catch {
            throw ReportError(.badInput, "\(file.path): \(error.message)")
        }
        guard case .finding(let record) = event else { throw ReportError(.badInput, "\(file.path): not a finding") }
        return record
    }

    /// With changes-only output a run writes only new and changed findings; the state of the others is the latest
    /// finding for that host and control in earlier runs (docs/spool.md, "Changes-only output"). They are added to
    /// the run, unchanged.
    private func carryUnchangedFindings(
        into run: inout RunEvents, from earlier: ArraySlice<RunEvents>
    ) throws(ReportError) {
        let hosts = Set(run.hostScans.filter { $0.reached && $0.unchangedOmitted > 0 }.map(\.host.name))
        guard !hosts.isEmpty else { return }
        var present = Set(run.findings.map { "\($0.host.name)|\($0.controlID)" })
        for past in earlier.reversed() {
            for (number, finding) in past.findings.enumerated() where hosts.contains(finding.host.name) {
                let key = "\(finding.host.name)|\(finding.controlID)"
                guard !present.contains(key) else { continue }
                present.insert(key)
                var carried = try fullFinding(past.findingLines[number])
                carried.runID = run.runID
                carried.drift = "unchanged"
                carried.previousStatus = carried.status
                run.findings.append(carried)
            }
        }
    }

    private func position(of id: String?) throws(ReportError) -> Int {
        guard let id else { return runs.count - 1 }
        guard let index = runs.firstIndex(where: { $0.runID == id }) else {
            let known = runs.suffix(5).reversed().map(\.runID).joined(separator: ", ")
            throw ReportError(
                .badInput, "no run \(id) in the spool; its newest runs: \(known) (or use --latest)")
        }
        return index
    }
}
