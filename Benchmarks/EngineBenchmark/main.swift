// edca-engine-benchmark: control evaluations per second of the pure engine, on one thread.
// What it measures and how to read it: Benchmarks/README.md.

import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import Glibc

/// Prints a message to standard error and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    let bytes = Array("edca-engine-benchmark: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(code)
}

/// Stops when two facts of the catalog share a key (names compare ignoring case), or a value key lies below a key
/// whose subkeys a control enumerates: both would make the corpus measure something other than intended.
func verifyDistinctKeys(_ blueprints: [ControlBlueprint]) {
    var seen: Set<String> = []
    var enumerated: [String] = []
    for fact in blueprints.flatMap(\.facts) {
        let folded = fact.key.uppercased()
        guard seen.insert(folded).inserted else { fail("corpus bug: two facts read key \(fact.key)") }
        if case .subkeyValues = fact.probe { enumerated.append(folded + "\\") }
    }
    for key in seen {
        if let parent = enumerated.first(where: key.hasPrefix) { fail("corpus bug: \(key) lies below \(parent)") }
    }
}

/// Decodes every control text with the real decoder, `Control(json:)`.
func loadControls(_ texts: [[UInt8]], ids: [String]) -> [Control] {
    var controls: [Control] = []
    controls.reserveCapacity(texts.count)
    for (text, id) in zip(texts, ids) {
        do {
            controls.append(try Control(json: text))
        } catch {
            fail(
                "corpus bug: control \(id) does not decode:\n"
                    + error.problems.map(\.description).joined(separator: "\n"))
        }
    }
    return controls
}

/// Loads the control files of a directory with the agent's own loader; stops on any problem.
func loadCatalog(_ directory: String) -> [Control] {
    do {
        return try ControlCatalog.load(directory: directory).controls
    } catch {
        fail("\(directory): the controls do not load:\n\(error.description)", code: error.kind == .unreadable ? 66 : 65)
    }
}

/// The controls of a run and the registry facts hosts hold for them.
struct ControlSet {
    /// The decoded controls.
    var controls: [Control]
    /// What each host's snapshot holds values for.
    var facts: [Fact]
    /// What the controls are, for the report.
    var source: String
    /// How verdicts are grouped in the report: `shape` or `control`.
    var groupKind: String
    /// The groups' names.
    var groupNames: [String]
    /// Each control's group.
    var groupIndexes: [Int]
    /// Bytes of control JSON decoded (0 when unknown).
    var jsonBytes: Int
}

/// The synthetic catalog: `count` generated controls, decoded with `Control(json:)`.
func syntheticControls(count: Int) -> ControlSet {
    let blueprints = CatalogBuilder.build(count: count)
    verifyDistinctKeys(blueprints)
    let texts = blueprints.map { Array($0.document.text.utf8) }
    return ControlSet(
        controls: loadControls(texts, ids: blueprints.map(\.id)), facts: blueprints.flatMap(\.facts),
        source: "generated", groupKind: "shape", groupNames: ControlShape.allCases.map(\.rawValue),
        groupIndexes: blueprints.map { ControlShape.allCases.firstIndex(of: $0.shape) ?? 0 },
        jsonBytes: texts.reduce(0) { $0 + $1.count })
}

/// A real catalog: the control files of `directory`, and facts covering every read they make.
func catalogControls(directory: String) -> ControlSet {
    let controls = loadCatalog(directory)
    guard !controls.isEmpty else { fail("\(directory): no control files", code: 66) }
    return ControlSet(
        controls: controls, facts: CatalogFacts.facts(for: controls), source: "from \(directory)",
        groupKind: "control", groupNames: controls.map(\.id), groupIndexes: Array(controls.indices), jsonBytes: 0)
}

/// The decoded hosts, and what it cost to make them.
struct HostCorpus {
    /// The hosts, in generation order.
    var hosts: [SyntheticHost] = []
    /// Wall-clock seconds spent writing snapshot JSON text.
    var generateSeconds = 0.0
    /// Wall-clock seconds spent in `RegistrySnapshot(json:)`.
    var decodeSeconds = 0.0
    /// Keys listed over all snapshots.
    var keyCount = 0
    /// Bytes of snapshot JSON over all snapshots.
    var jsonBytes = 0
    /// Hosts with the Mailbox role.
    var mailboxCount = 0
    /// Hosts with at least one unreadable key.
    var hostsWithDeniedKeys = 0
    /// Unreadable keys over all snapshots.
    var deniedKeyCount = 0
}

/// Generates each host's snapshot as JSON text and decodes it with `RegistrySnapshot(json:)`, one host at a time so
/// that the text of all hosts is never held at once.
func loadHosts(count: Int, generator: HostGenerator) -> HostCorpus {
    var corpus = HostCorpus()
    corpus.hosts.reserveCapacity(count)
    let clock = ContinuousClock()
    for index in 0..<count {
        let generateStart = clock.now
        let host = generator.host(index)
        let bytes = Array(host.json.utf8)
        let decodeStart = clock.now
        let snapshot: RegistrySnapshot
        do {
            snapshot = try RegistrySnapshot(json: bytes)
        } catch {
            fail("corpus bug: snapshot of host \(index) does not decode:\n\(error)")
        }
        let decodeEnd = clock.now
        corpus.generateSeconds += generateStart.duration(to: decodeStart).seconds
        corpus.decodeSeconds += decodeStart.duration(to: decodeEnd).seconds
        corpus.hosts.append(SyntheticHost(snapshot: snapshot, role: host.isMailbox ? .mailbox : .edge))
        corpus.keyCount += host.keyCount
        corpus.jsonBytes += bytes.count
        corpus.mailboxCount += host.isMailbox ? 1 : 0
        corpus.hostsWithDeniedKeys += host.deniedKeyCount > 0 ? 1 : 0
        corpus.deniedKeyCount += host.deniedKeyCount
    }
    return corpus
}

/// One row of a two-column table.
func row(_ label: String, _ value: String) {
    print("  " + Format.left(label, 38) + value)
}

// MARK: - Options

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error.message)\n\n\(BenchmarkOptions.usage)", code: 64)
}
if options.showsHelp {
    print(BenchmarkOptions.usage)
    exit(0)
}

print("edca-engine-benchmark: control evaluations per second on one thread (EvaluationPlan)")
#if DEBUG
    print("WARNING: debug build; figures are meaningless. Build with: swift build -c release")
#endif
print("  CPUs allowed: \(allowedCPUList() ?? "unknown") (pin with: taskset -c 0 ...)")
print("  seed: 0x\(String(options.seed, radix: 16, uppercase: true))")
print("")

// MARK: - Corpus (not timed as throughput)

let (controlSet, controlLoad) = measure {
    options.controlsDirectory.map { catalogControls(directory: $0) } ?? syntheticControls(count: options.controls)
}
let controls = controlSet.controls

let (corpus, hostLoad) = measure {
    loadHosts(count: options.hosts, generator: HostGenerator(facts: controlSet.facts, seed: options.seed))
}
let hosts = corpus.hosts
let plan = EvaluationPlan(controls: controls)
let (facts, factsTime) = measure { hosts.map { plan.facts(from: $0.snapshot) } }

print("Corpus (built before timing; loading is not what is measured)")
row(
    "controls",
    "\(Format.grouped(controls.count)) \(controlSet.source)"
        + (controlSet.jsonBytes > 0 ? " (\(Format.grouped(controlSet.jsonBytes)) bytes of JSON)" : "")
        + ", decoded with Control(json:) in \(Format.fixed(controlLoad.wallSeconds * 1000, 1)) ms")
row(
    "hosts",
    "\(Format.grouped(hosts.count)) (\(Format.grouped(corpus.mailboxCount)) Mailbox, "
        + "\(Format.grouped(hosts.count - corpus.mailboxCount)) Edge)")
row(
    "snapshot keys",
    "\(Format.grouped(corpus.keyCount)) (\(Format.fixed(Double(corpus.keyCount) / Double(max(1, hosts.count)), 1)) "
        + "per host), \(Format.mebibytes(corpus.jsonBytes)) of JSON")
row(
    "unreadable (denied) keys",
    "\(Format.grouped(corpus.deniedKeyCount)) on \(Format.grouped(corpus.hostsWithDeniedKeys)) hosts")
row("generate snapshot JSON", "\(Format.fixed(corpus.generateSeconds, 2)) s")
row(
    "decode RegistrySnapshot(json:)",
    "\(Format.fixed(corpus.decodeSeconds, 2)) s (\(Format.rate(Double(hosts.count) / corpus.decodeSeconds)) hosts/s, "
        + "\(Format.fixed(Double(corpus.jsonBytes) / 1_048_576 / corpus.decodeSeconds, 1)) MiB/s)")
row(
    "resolve the plan's \(plan.reads.count) reads per host",
    "\(Format.fixed(factsTime.wallSeconds, 2)) s (\(Format.fixed(factsTime.wallSeconds / Double(max(1, hosts.count)) * 1e6, 1)) µs per host)"
)
row("peak resident memory after load", Format.mebibytes(ProcessUsage.current().maxResidentKiB * 1024))
print("")

// MARK: - Timed passes

let evaluationsPerRound = hosts.count * controls.count
// A small catalog makes one round over the hosts too short to time: a timed pass repeats rounds until it holds at
// least --pass-evaluations (by default 2,000,000, about a second at the target rate).
let rounds = max(1, (options.minimumPassEvaluations + evaluationsPerRound - 1) / max(1, evaluationsPerRound))
let evaluationsPerPass = evaluationsPerRound * rounds
print(
    "Timed passes: every control on every host's resolved facts"
        + (rounds > 1 ? " (\(rounds) rounds per pass)" : "") + ", one thread, no evidence text")
print("  pass   wall s   thread CPU s   evaluations/s (wall)   evaluations/s (thread CPU)")
var wallRates: [Double] = []
var cpuRates: [Double] = []
var passTallies: [StatusTally] = []
for pass in 1...options.repeats {
    let (tally, time) = measure {
        let first = evaluateAll(plan, on: hosts, facts: facts)
        for _ in 1..<rounds where evaluateAll(plan, on: hosts, facts: facts) != first {
            fail("two rounds over the same hosts gave different tallies: the engine is not deterministic")
        }
        return first
    }
    let wallRate = Double(evaluationsPerPass) / time.wallSeconds
    let cpuRate = Double(evaluationsPerPass) / time.threadCPUSeconds
    wallRates.append(wallRate)
    cpuRates.append(cpuRate)
    passTallies.append(tally)
    print(
        "  " + Format.right(String(pass), 4) + Format.right(Format.fixed(time.wallSeconds, 3), 9)
            + Format.right(Format.fixed(time.threadCPUSeconds, 3), 15) + Format.right(Format.rate(wallRate), 23)
            + Format.right(Format.rate(cpuRate), 29))
}
print("")

// MARK: - Evidence pass

let (evidence, evidenceTime) = measure {
    evaluateAllWithEvidence(
        plan, groups: controlSet.groupIndexes, groupCount: controlSet.groupNames.count, on: hosts, facts: facts)
}
let evidenceRate = Double(evaluationsPerRound) / evidenceTime.wallSeconds
let (resolvedTally, resolveTime) = measure { resolveAndEvaluateAll(plan, on: hosts) }
let resolveRate = Double(evaluationsPerRound) / resolveTime.wallSeconds

// MARK: - Report

let medianRate = median(wallRates)
let targetMet = medianRate >= options.target
print("Result")
row("hosts", Format.grouped(hosts.count))
row("controls", Format.grouped(controls.count))
row("evaluations per pass", Format.grouped(evaluationsPerPass) + (rounds > 1 ? " (\(rounds) rounds)" : ""))
row("passes", String(options.repeats))
row("median evaluations/s (wall)", Format.rate(medianRate))
row(
    "min / max evaluations/s (wall)",
    "\(Format.rate(wallRates.min() ?? .nan)) / \(Format.rate(wallRates.max() ?? .nan))")
row("median evaluations/s (thread CPU)", Format.rate(median(cpuRates)))
row("median time per evaluation", "\(Format.fixed(1e9 / medianRate, 0)) ns")
row("target evaluations/s", Format.rate(options.target))
row(
    "target",
    (targetMet ? "met" : "NOT met") + " (median is \(Format.percent(Int(medianRate), of: Int(options.target))) of it)")
print("")
print("Starting from snapshots (separate figure: one pass that resolves each host's facts, then evaluates)")
row("evaluations/s incl. resolving facts (wall)", Format.rate(resolveRate))
row("pass time (wall)", "\(Format.fixed(resolveTime.wallSeconds, 3)) s")
print("")
print("With evidence rendering (separate figure: one pass that also builds verdict.evidence for every verdict)")
row("evaluations/s incl. evidence (wall)", Format.rate(evidenceRate))
row(
    "pass time (wall / thread CPU)",
    "\(Format.fixed(evidenceTime.wallSeconds, 3)) s / "
        + "\(Format.fixed(evidenceTime.threadCPUSeconds, 3)) s")
row(
    "evidence rendered",
    "\(Format.grouped(evidence.lines)) lines, \(Format.mebibytes(evidence.bytes)) "
        + "(\(Format.fixed(Double(evidence.lines) / Double(max(1, evaluationsPerRound)), 2)) lines per verdict)")
print("")

let tally = passTallies.first ?? StatusTally()
print("Status tallies per pass")
for status in Status.allCases {
    let count = tally.count(of: status)
    print(
        "  " + Format.left(status.rawValue, 10) + Format.right(Format.grouped(count), 12)
            + Format.right(Format.percent(count, of: tally.total), 8))
}
print("  " + Format.left("findings", 10) + Format.right(Format.grouped(tally.findings), 12))
let consistent = passTallies.allSatisfy { $0 == tally } && evidence.statuses == tally && resolvedTally == tally
print("  every pass gave the same tallies: \(consistent ? "yes" : "NO (the engine is not deterministic)")")
print("")

print("Verdicts by \(controlSet.groupKind) (from the evidence pass)")
print("  " + Format.left(controlSet.groupKind, 44) + "controls      Pass      Fail   Unknown   Skipped")
for (index, name) in controlSet.groupNames.enumerated() {
    let groupTally = evidence.byGroup[index]
    let count = controlSet.groupIndexes.filter { $0 == index }.count
    guard count > 0 else { continue }
    let cells = [Status.pass, .fail, .unknown, .skipped].map {
        Format.right(Format.percent(groupTally.count(of: $0), of: groupTally.total), 10)
    }
    print("  " + Format.left(name, 44) + Format.right(String(count), 8) + cells.joined())
}
print("")

let usage = ProcessUsage.current()
print(
    "Process: \(Format.fixed(usage.userSeconds, 2)) s user, \(Format.fixed(usage.systemSeconds, 2)) s system, "
        + "peak resident \(Format.mebibytes(usage.maxResidentKiB * 1024)); "
        + "whole corpus load \(Format.fixed(hostLoad.wallSeconds, 2)) s wall")
