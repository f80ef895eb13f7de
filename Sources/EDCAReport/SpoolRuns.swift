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
package struct SpoolRuns: Sendable {
    /// The runs, ordered by their first event's time.
    package var runs: [RunEvents]

    /// Reads the events of spool files (rotated files first, the active file last); every line must be whole.
    package static func read(_ files: [SpoolFile], directory: String) throws(ReportError) -> SpoolRuns {
        var byID: [String: Int] = [:]
        var runs: [RunEvents] = []
        for file in files where !file.bytes.isEmpty {
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
                let event: SpoolEvent?
                do {
                    event = try SpoolEventDecoder.decode(line: Array(bytes[start..<end]))
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
                case .finding(let record): runs[index].findings.append(record)
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
        return SpoolRuns(runs: runs)
    }

    /// The run with this id, or the newest when `id` is nil; an unknown id is an error listing the known ones.
    package func select(_ id: String?) throws(ReportError) -> (run: RunEvents, earlier: [RunEvents]) {
        guard let id else { return (runs[runs.count - 1], Array(runs.dropLast())) }
        guard let index = runs.firstIndex(where: { $0.runID == id }) else {
            let known = runs.suffix(5).reversed().map(\.runID).joined(separator: ", ")
            throw ReportError(
                .badInput, "no run \(id) in the spool; its newest runs: \(known) (or use --latest)")
        }
        return (runs[index], Array(runs[..<index]))
    }
}
