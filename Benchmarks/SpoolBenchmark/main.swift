// edca-spool-benchmark: events per second written to the spool with its durability guarantees (one write(2) per
// event on an O_APPEND descriptor, fdatasync once per host's batch; docs/spool.md). Run by Benchmarks/run.

import EDCAAgent
import EDCAEngine
import EDCASpool
import Foundation

/// The benchmark's settings, from its command line.
struct SpoolBenchmarkOptions {
    var directory = NSTemporaryDirectory() + "/edca-spool-benchmark"
    var hosts = 500
    var repeats = 3
    var controlsDirectory = "Controls"
    var json = false

    static let usage = """
        usage: edca-spool-benchmark [--directory DIR] [--hosts N] [--repeat N] [--controls-dir DIR] [--json]

        Writes the spool events of N hosts (each: one Compliance Finding per control of DIR, then a Scan Activity) into
        spools under DIR (default: a temporary directory, removed after) and reports events per second, the median
        of the repeats: with the scan's guarantee (fdatasync after each host's batch), and without it for
        comparison. --json also prints the figures as one JSON line.
        """

    static func parse(_ arguments: [String]) -> SpoolBenchmarkOptions {
        var options = SpoolBenchmarkOptions()
        var remaining = arguments[...]
        func value(_ option: String) -> String {
            guard let text = remaining.popFirst() else { usageError("\(option) needs a value") }
            return text
        }
        func number(_ option: String) -> Int {
            let text = value(option)
            guard let number = Int(text), number > 0 else { usageError("\(option) needs a positive number: \(text)") }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--directory": options.directory = value(argument)
            case "--hosts": options.hosts = number(argument)
            case "--repeat": options.repeats = number(argument)
            case "--controls-dir": options.controlsDirectory = value(argument)
            case "--json": options.json = true
            case "--help", "-h":
                print(usage)
                exit(0)
            default: usageError("unknown option '\(argument)'")
            }
        }
        return options
    }
}

func usageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("edca-spool-benchmark: \(message)\n\n\(SpoolBenchmarkOptions.usage)\n".utf8))
    exit(64)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("edca-spool-benchmark: \(message)\n".utf8))
    exit(1)
}

/// One way of writing the events, and how fast it went.
struct Mode {
    var name: String
    /// Whether lines are rendered from events inside the timed loop (as a scan does) or rendered before.
    var renders: Bool
    /// Whether each host's batch ends with fdatasync (the scan's guarantee).
    var syncs: Bool
}

let options = SpoolBenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
let controls: [Control]
do {
    controls = try ControlCatalog.load(directory: options.controlsDirectory).controls
} catch {
    fail("\(options.controlsDirectory): \(error.description)")
}
guard !controls.isEmpty else { fail("\(options.controlsDirectory): no control files") }

// What one host gives: the verdicts of every control on an empty registry (all from defaults or unknown).
let plan = EvaluationPlan(controls: controls)
let verdicts = plan.evaluateAll(on: plan.facts(from: RegistrySnapshot()), role: .mailbox)
let run = SpoolRun(productVersion: AgentProduct.version)
let batchSize = controls.count + 1
let hostCount = options.hosts
let eventCount = hostCount * batchSize

/// The events of host `index`, as a scan builds them.
func events(ofHost index: Int) -> [JSONOutput] {
    let host = SpoolHost(
        hostname: "host\(index).corp.example", ip: "10.0.\(index / 250).\(index % 250)", role: .mailbox)
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    var counts: [Status: Int] = [:]
    var result: [JSONOutput] = []
    for (control, verdict) in zip(controls, verdicts) {
        counts[verdict.status, default: 0] += 1
        result.append(
            SpoolEvents.complianceFinding(
                control: control, verdict: verdict, host: host, drift: Drift(kind: .new, previous: nil), run: run,
                timeMilliseconds: now))
    }
    let outcome = HostScanOutcome(
        host: host, result: .completed, startMilliseconds: now - 150, endMilliseconds: now, statusCounts: counts)
    result.append(SpoolEvents.hostScanActivity(outcome, run: run, timeMilliseconds: now))
    return result
}

let prerendered = (0..<hostCount).map { events(ofHost: $0).map { SpoolLine.render($0) } }
let bytesPerEvent = prerendered.joined().reduce(0) { $0 + $1.utf8.count + 1 } / eventCount

let modes = [
    Mode(name: "render + write, fdatasync per host (what a scan does)", renders: true, syncs: true),
    Mode(name: "write pre-rendered lines, fdatasync per host", renders: false, syncs: true),
    Mode(name: "write pre-rendered lines, no fdatasync (not durable)", renders: false, syncs: false),
]

/// Writes every host's events into a fresh spool and returns the seconds it took.
func timedWrite(_ mode: Mode, into directory: String) -> Double {
    let spool: SpoolWriter
    do {
        spool = try SpoolWriter.open(directory: directory)
    } catch {
        fail("cannot open a spool in \(directory): \(error.description)")
    }
    let clock = ContinuousClock()
    let start = clock.now
    do {
        for index in 0..<hostCount {
            let lines = mode.renders ? events(ofHost: index).map { SpoolLine.render($0) } : prerendered[index]
            if mode.syncs {
                try spool.appendHostBatch(lines)
            } else {
                for line in lines { try spool.append(line) }
            }
        }
    } catch {
        fail("writing the spool in \(directory) failed: \(error.description)")
    }
    let (seconds, attoseconds) = start.duration(to: clock.now).components
    return Double(seconds) + Double(attoseconds) * 1e-18
}

print("edca-spool-benchmark: \(eventCount) events (\(hostCount) hosts x \(batchSize): \(controls.count) findings and")
print("  a scan activity), \(bytesPerEvent) bytes per event on average, in \(options.directory)")
var figures: [[String: Any]] = []
for mode in modes {
    var rates: [Double] = []
    for repeatIndex in 0..<options.repeats {
        let directory = options.directory + "/run-\(repeatIndex)"
        rates.append(Double(eventCount) / timedWrite(mode, into: directory))
        try? FileManager.default.removeItem(atPath: directory)
    }
    let median = rates.sorted()[rates.count / 2]
    print(
        "  \(mode.name): \(Int(median)) events/s, \(Int(median / Double(batchSize))) hosts/s "
            + "(median of \(options.repeats); min \(Int(rates.min() ?? 0)), max \(Int(rates.max() ?? 0)))")
    figures.append([
        "name": mode.name, "events_per_second": median, "hosts_per_second": median / Double(batchSize),
    ])
}
if options.json {
    let summary: [String: Any] = [
        "events": eventCount, "hosts": hostCount, "batch": batchSize, "bytes_per_event": bytesPerEvent,
        "repeats": options.repeats, "modes": figures,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: summary) {
        print(String(decoding: data, as: UTF8.self))
    }
}
