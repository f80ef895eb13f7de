// edca-report-benchmark: how long `edca-agent report` takes on a fleet-sized spool, how big the page is, and how long
// Chromium takes to load and draw it. Rerun: `swift run -c release edca-report-benchmark [--hosts N] [--runs N]`.
//
// The spool holds N hosts (default 1,000) x every control of Controls/ for each of R runs (default 2, so drift and
// the trend have an earlier run to read), each host's verdicts evaluated on one of the lab's registry snapshots
// (Inventory/lab/*.json), as a scan writes them (SpoolEvents, one rotated file per run).

import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAReport
import EDCASpool
import EDCATestSupport
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("edca-report-benchmark: \(message)\n".utf8))
    exit(1)
}

var hostCount = 1000
var runCount = 2
var repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    guard let text = arguments.popFirst(), let value = Int(text), value > 0 else {
        fail("usage: edca-report-benchmark [--hosts N] [--runs N] [--repeat N]")
    }
    switch argument {
    case "--hosts": hostCount = value
    case "--runs": runCount = value
    case "--repeat": repeats = value
    default: fail("unknown option \(argument)")
    }
}

let controls: [Control]
do {
    controls = try ControlCatalog.load(directory: "Controls").controls
} catch {
    fail("Controls: \(error.description) (run from the repository root)")
}
let plan = EvaluationPlan(controls: controls)
let snapshotNames = ["mbx01", "mbx02", "mbx03", "mbx04", "edge01"]
let verdictSets: [(role: ExchangeRole, verdicts: [Verdict])] = snapshotNames.map { name in
    let role: ExchangeRole = name.hasPrefix("edge") ? .edge : .mailbox
    do {
        let snapshot = try SnapshotFile.load("Inventory/lab/\(name).json")
        return (role, plan.evaluateAll(on: plan.facts(from: snapshot), role: role))
    } catch {
        fail("Inventory/lab/\(name).json: \(error)")
    }
}

let work = NSTemporaryDirectory() + "edca-report-benchmark-\(getpid())"
let spool = work + "/spool"
try? FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

// The spool: run r gives host i the verdicts of snapshot (i + r) % 5, so some statuses change between runs.
let start = Int64(Date().timeIntervalSince1970 * 1000) - Int64(runCount) * 86_400_000
var previous: [String: Status] = [:]
var spoolBytes = 0
for runIndex in 0..<runCount {
    let run = SpoolRun(productVersion: "0.1.0")
    let time = start + Int64(runIndex) * 86_400_000
    var text: [UInt8] = []
    var current: [String: Status] = [:]
    for index in 0..<hostCount {
        let (role, verdicts) = verdictSets[(index + runIndex) % verdictSets.count]
        let host = SpoolHost(
            hostname: "ex\(index).corp.example", ip: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256)",
            role: role, osName: "Windows Server 2019 Datacenter", osBuild: "17763")
        var counts: [Status: Int] = [:]
        for (control, verdict) in zip(controls, verdicts) {
            let key = host.hostname + "|" + control.id
            let before = previous[key]
            let drift = Drift(
                kind: before == nil ? .new : before == verdict.status ? .unchanged : .changed, previous: before)
            let event = SpoolEvents.complianceFinding(
                control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
                drift: drift, run: run, timeMilliseconds: time)
            text += Array(SpoolLine.render(event).utf8)
            text.append(UInt8(ascii: "\n"))
            current[key] = verdict.status
            counts[verdict.status, default: 0] += 1
        }
        let outcome = HostScanOutcome(
            host: host, result: .completed, startMilliseconds: time, endMilliseconds: time + 200, statusCounts: counts)
        text += Array(SpoolLine.render(SpoolEvents.hostScanActivity(outcome, run: run, timeMilliseconds: time)).utf8)
        text.append(UInt8(ascii: "\n"))
    }
    previous = current
    spoolBytes += text.count
    let name = String(format: "%@/findings-2026010%dT000000Z.ndjson", spool, runIndex + 1)
    guard FileManager.default.createFile(atPath: name, contents: Data(text)) else { fail("cannot write \(name)") }
}

/// The CPU time this thread has used, in seconds: the machine may be shared, so wall time alone can mislead.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

let page = work + "/report.html"
let source = ReportSource(spoolDirectory: spool, runID: nil, controlsDirectory: "Controls")
var times: [Double] = []
var cpuTimes: [Double] = []
for _ in 0..<repeats {
    let clock = ContinuousClock()
    let began = clock.now
    let cpuBegan = threadCPUSeconds()
    do {
        try ReportFiles.writeReport(source, templateDirectory: "ReportTemplate", output: page)
    } catch {
        fail(error.description)
    }
    times.append(seconds(began.duration(to: clock.now)))
    cpuTimes.append(threadCPUSeconds() - cpuBegan)
}
// Where the time goes, phase by phase (one pass each).
do {
    let clock = ContinuousClock()
    var mark = clock.now
    var cpuMark = threadCPUSeconds()
    func lap() -> String {
        let now = clock.now
        let cpuNow = threadCPUSeconds()
        defer { (mark, cpuMark) = (now, cpuNow) }
        return String(format: "%.2f s (CPU %.2f s)", seconds(mark.duration(to: now)), cpuNow - cpuMark)
    }
    let files = try ReportFiles.spoolFiles(spool)
    let readTime = lap()
    let runs = try SpoolRuns.read(files, directory: spool)
    let summaryTime = lap()
    let (run, earlier) = try runs.select(nil)
    let fullTime = lap()
    let report = FleetReport(run: run, earlier: earlier, details: [:])
    let modelTime = lap()
    let data = ReportPage.data(report, generatedAt: 0, productVersion: "0.1.0")
    _ = try ReportPage.assemble(
        template: "<!--edca:style--><!--edca:script--><!--edca:data-->", stylesheet: "", script: "", data: data)
    let pageTime = lap()
    print(
        "  phases:     read files \(readTime), decode (earlier runs in summary, the newest in full) \(summaryTime), select \(fullTime), model \(modelTime), page data \(pageTime)"
    )
} catch {
    fail("\(error)")
}
let pageBytes = (try? FileManager.default.attributesOfItem(atPath: page)[.size] as? Int) ?? 0
let median = times.sorted()[times.count / 2]
print("edca-report-benchmark: \(hostCount) hosts x \(controls.count) controls, \(runCount) runs in the spool")
print(
    String(
        format: "  spool read: %.1f MiB (%d events)", Double(spoolBytes) / 1_048_576,
        runCount * hostCount * (controls.count + 1)))
print(
    String(
        format: "  generation: %.2f s wall, %.2f s CPU (medians of %d; wall min %.2f, max %.2f)", median,
        cpuTimes.sorted()[cpuTimes.count / 2], repeats, times.min() ?? 0, times.max() ?? 0))
print(String(format: "  page size:  %.2f MiB (%d bytes)", Double(pageBytes) / 1_048_576, pageBytes))

// Chromium: load from file://, then the paint timings, the script's drawing time, and one filter change.
do {
    let browser = try HeadlessChromium(width: 1280, height: 900)
    defer { browser.quit() }
    let clock = ContinuousClock()
    let began = clock.now
    try browser.navigate(URL(fileURLWithPath: page).absoluteString)
    let loaded = seconds(began.duration(to: clock.now))
    let paint =
        try browser.evaluate(
            "Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))")
        as? [String: Any]
    let navigation =
        try browser.evaluate(
            "(n => [n.domContentLoadedEventEnd, n.loadEventEnd])(performance.getEntriesByType('navigation')[0])")
        as? [Double]
    let search =
        try browser.evaluate(
            """
            (() => { const s = document.querySelector('#search'); const t = performance.now(); s.value = 'SEC-043';
              s.dispatchEvent(new Event('input')); const u = performance.now(); s.value = '';
              s.dispatchEvent(new Event('input')); return [u - t, performance.now() - u]; })()
            """) as? [Double]
    let rows = try browser.evaluate("document.querySelectorAll('#matrix-table tbody tr').length") as? Int ?? 0
    let firstPaint = (paint?["first-paint"] as? Double) ?? -1
    let contentful = (paint?["first-contentful-paint"] as? Double) ?? -1
    print(
        String(
            format:
                "  chromium:   first paint %.0f ms, first contentful paint %.0f ms, DOMContentLoaded %.0f ms, load %.0f ms",
            firstPaint, contentful, navigation?.first ?? -1, navigation?.last ?? -1))
    print(
        String(
            format: "              navigate-to-load-event %.2f s (as the test process sees it), %d matrix rows", loaded,
            rows))
    print(
        String(
            format: "              search 'SEC-043' redraw %.0f ms, clearing it %.0f ms", search?.first ?? -1,
            search?.last ?? -1))
    if !browser.errors.isEmpty { fail("console errors: \(browser.errors)") }
} catch {
    fail("chromium: \(error)")
}
