import ArgumentParser
import EDCAAgent
import Foundation
import Logging
import Synchronization

/// Runs a scan session; when it cannot run, prints why and exits: 75 when another scan holds the lock, 66 when the
/// SSH key or known_hosts cannot be used, 1 when the state directory or the spool cannot be written.
func runReportingErrors<Result>(_ body: () async throws(ScanSessionError) -> Result) async throws -> Result {
    do {
        return try await body()
    } catch {
        printError(error.description)
        switch error {
        case .locked: throw ExitCode(75)
        case .sshSetup: throw ExitCode(66)
        case .stateDirectory, .spool: throw ExitCode(1)
        }
    }
}

/// Structured logs on stderr (swift-log, dotted metadata keys), which journald captures under systemd; on a
/// terminal only warnings and above, since progress is shown there instead.
enum ScanLog {
    /// Bootstraps logging once for the process and returns the scan's logger, at `level` if given.
    static func bootstrap(level: Logger.Level? = nil) -> Logger {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "edca-agent.scan")
        logger.logLevel = level ?? (isatty(STDERR_FILENO) == 1 ? .warning : .info)
        return logger
    }
}

/// Renders a session's events on stderr: a progress line while a terminal watches (hosts done of all, failed, rate,
/// time left), otherwise one log entry per host.
final class ScanProgressView: Sendable {
    private let logger: Logger
    private let concurrency: Int
    private let spoolDirectory: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    /// Whether a progress line is on the terminal without its newline yet.
    private let lineOpen = Mutex(false)

    init(logger: Logger, concurrency: Int, spoolDirectory: String) {
        self.logger = logger
        self.concurrency = concurrency
        self.spoolDirectory = spoolDirectory
    }

    func show(_ event: ScanEvent) {
        switch event {
        case .started(let progress):
            logger.notice(
                "scan started",
                metadata: [
                    "scan.hosts": "\(progress.total)", "scan.concurrency": "\(concurrency)",
                    "spool.directory": "\(spoolDirectory)",
                ])
        case .hostFinished(let outcome, let progress):
            if isTerminal {
                lineOpen.withLock { open in
                    // \r returns to the line's start; ESC [K clears what a longer previous line left.
                    FileHandle.standardError.write(Data("\r\(progress)\u{1B}[K".utf8))
                    open = true
                }
            } else {
                log(outcome)
            }
        case .organizationFinished(let outcome):
            if isTerminal { finish() }
            log(outcome)
        case .spoolWarning(let warning):
            logger.warning("\(warning)", metadata: ["spool.directory": "\(spoolDirectory)"])
        case .spoolLarge(let bytes):
            finish()
            logger.warning(
                "the spool holds more than 1 GiB: is the forwarder reading it, and is retention right?",
                metadata: ["spool.bytes": "\(bytes)", "spool.directory": "\(spoolDirectory)"])
        }
    }

    /// Ends the progress line, if one is shown.
    func finish() {
        lineOpen.withLock { open in
            if open { FileHandle.standardError.write(Data("\n".utf8)) }
            open = false
        }
    }

    private func log(_ outcome: OrganizationOutcome) {
        var metadata: Logger.Metadata = ["organization.name": "\(outcome.organization)"]
        if !outcome.passedOver.isEmpty {
            metadata["organization.passed_over"] =
                "\(outcome.passedOver.map { "\($0.host) (\($0.reason))" }.joined(separator: "; "))"
        }
        guard let collection = outcome.collection else {
            logger.warning("organization not evaluated: no host of it could be probed", metadata: metadata)
            return
        }
        metadata["organization.facts_from"] = "\(collection.host.name)"
        for status in [Status.pass, .fail, .unknown] {
            metadata["findings.\(status.rawValue.lowercased())"] =
                "\(collection.verdicts.count { $0.status == status })"
        }
        if !outcome.differences.isEmpty {
            metadata["organization.facts_differ"] =
                "\(outcome.differences.map { "\($0.host): \($0.fact)" }.joined(separator: "; "))"
            logger.warning(
                "organization facts differ between servers of the organization: judged on the collector's, not merged",
                metadata: metadata)
        } else if collection.readErrors.isEmpty {
            logger.info("organization evaluated", metadata: metadata)
        } else {
            metadata["organization.read_errors"] = "\(collection.readErrors.joined(separator: "; "))"
            logger.warning(
                "organization evaluated with unreadable facts: no host of it answered every organization read",
                metadata: metadata)
        }
    }

    private func log(_ outcome: HostOutcome) {
        var metadata: Logger.Metadata = [
            "host.name": "\(outcome.target.name)", "host.address": "\(outcome.target.address)",
            "scan.duration_ms": "\(outcome.milliseconds)",
        ]
        switch outcome.result {
        case .success(let scan):
            metadata["scan.result"] = "scanned"
            metadata["host.role"] = "\(scan.role)"
            for status in [Status.pass, .fail, .unknown] {
                metadata["findings.\(status.rawValue.lowercased())"] = "\(scan.verdicts.count { $0.status == status })"
            }
            logger.info("host scanned", metadata: metadata)
            if let stageError = scan.snapshot.exchange.stageError {
                metadata["exchange.error_class"] = "\(stageError.errorClass)"
                metadata["exchange.error"] = "\(stageError.description)"
                logger.warning("Exchange stage failed; the Exchange controls are Unknown", metadata: metadata)
            }
        case .failure(let error):
            metadata["scan.result"] = "failed"
            metadata["scan.error_class"] = "\(error.errorClass)"
            metadata["scan.error"] = "\(error.description)"
            logger.warning("host not scanned", metadata: metadata)
        }
    }
}

/// The end-of-scan table: one row per host with its result.
enum ScanSummary {
    static func table(_ outcomes: [HostOutcome]) -> String {
        var table = TextTable(header: ["HOST", "ADDRESS", "RESULT", "PASS", "FAIL", "UNKNOWN", "SECONDS"])
        for outcome in outcomes {
            let seconds = String(format: "%.1f", Double(outcome.milliseconds) / 1000)
            switch outcome.result {
            case .success(let scan):
                let count = { (status: Status) in String(scan.verdicts.count { $0.status == status }) }
                table.rows.append([
                    outcome.target.name, outcome.target.address, "scanned (\(scan.role))", count(.pass),
                    count(.fail), count(.unknown), seconds,
                ])
            case .failure(let error):
                table.rows.append([
                    outcome.target.name, outcome.target.address, error.errorClass, "-", "-", "-", seconds,
                ])
            }
        }
        return table.rendered()
    }

    /// One row per organization: the host its facts came from and its verdicts, or why it was not evaluated;
    /// nil when the scan evaluated no organization control.
    static func organizationTable(_ outcomes: [OrganizationOutcome]) -> String? {
        guard !outcomes.isEmpty else { return nil }
        var table = TextTable(header: ["ORGANIZATION", "FACTS FROM", "PASS", "FAIL", "UNKNOWN", "PASSED OVER"])
        for outcome in outcomes.sorted(by: { $0.organization.lowercased() < $1.organization.lowercased() }) {
            let passedOver = outcome.passedOver.isEmpty ? "-" : outcome.passedOver.map(\.host).joined(separator: ", ")
            guard let collection = outcome.collection else {
                table.rows.append([outcome.organization, "not evaluated: no host reached", "-", "-", "-", passedOver])
                continue
            }
            let count = { (status: Status) in String(collection.verdicts.count { $0.status == status }) }
            table.rows.append([
                outcome.organization, collection.host.name, count(.pass), count(.fail), count(.unknown), passedOver,
            ])
        }
        var text = table.rendered()
        for outcome in outcomes where !outcome.differences.isEmpty {
            let list = outcome.differences.map { "\($0.host) (\($0.fact))" }.joined(separator: ", ")
            text +=
                "\nwarning: \(outcome.organization): organization facts differ from "
                + "\(outcome.collection?.host.name ?? "the collector")'s on \(list)"
        }
        return text
    }

    /// One line per host whose Exchange stage ran no cmdlet: the class, the message and, for a logon without a
    /// network credential, the remedy. Its Exchange findings are Unknown; its other findings stand.
    static func exchangeStageErrors(_ outcomes: [HostOutcome]) -> [String] {
        outcomes.compactMap { outcome in
            guard case .success(let scan) = outcome.result, let error = scan.snapshot.exchange.stageError else {
                return nil
            }
            return "\(outcome.target.name): Exchange stage: \(error.description)"
        }
    }
}
