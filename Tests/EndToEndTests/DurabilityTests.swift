import EDCATestSupport
import Foundation
import Testing

/// SIGKILL of `edca-agent scan` at random moments (50 trials), each trial followed by the next start (a real `scan`
/// of one fast host on the same spool and state): the spool never holds a torn or duplicated event, a host whose
/// batch was written (its Scan Activity is there) never lost one of its findings, and a host the scan reported
/// finished (its log line) has its batch in the spool. Hosts finish in clusters (four at a time, the same latency),
/// so their batches are made durable by shared syncs (group commit). Also a spool that fills up.
@Suite("Spool durability under SIGKILL", .serialized)
struct DurabilityTests {
    /// Slow simulated hosts (per-host latency) behind one sshd, a fast one for the repair run, and controls enough
    /// that each host's batch is many lines.
    private final class Lab {
        static let slowHosts = 10
        static let controlCount = 24

        let fleet: SimulatedFleet

        init(seed: UInt64) throws {
            var generator = SplitMix64(seed: seed ^ 0x5EED)
            let snapshots = ["mbx01.json", "mbx02.json", "edge01.json", "mbx03.json"]
            // Hosts start four at a time (concurrency 4) and each group of four has one latency, so they finish
            // together and their batches meet in the spool's group commit.
            let groupLatencies = (0..<3).map { _ in Int.random(in: 50...300, using: &generator) }
            let hosts = (0...Self.slowHosts).map { index in
                let latency = index == Self.slowHosts ? 0 : groupLatencies[index / 4]
                return SimulatedFleet.Host(
                    snapshot: snapshots[index % snapshots.count], faults: ["latencyMs": latency])
            }
            fleet = try SimulatedFleet(hosts, firstAddress: 141)
            try FileManager.default.createDirectory(atPath: directory + "/controls", withIntermediateDirectories: true)
            // Copies of the one control under other ids: a host's batch is `controlCount` findings and its activity.
            let control = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Controls/EDCA-SEC-043.json"))
            var document = try #require(try JSONSerialization.jsonObject(with: control) as? [String: Any])
            for index in 0..<Self.controlCount {
                let id = "EDCA-SEC-\(900 + index)"
                document["id"] = id
                try JSONSerialization.data(withJSONObject: document).write(
                    to: URL(fileURLWithPath: directory + "/controls/\(id).json"))
            }
            try fleet.writeInventory("fleet.yaml", hosts: Array(0..<Self.slowHosts))
            try fleet.writeInventory("repair.yaml", hosts: [Self.slowHosts])
        }

        var directory: String { fleet.directory.path }
        var spool: String { directory + "/spool" }
        var activePath: String { spool + "/findings.ndjson" }

        func scanArguments(inventory: String, spool: String? = nil) -> [String] {
            [
                "scan", "--inventory", directory + "/\(inventory).yaml", "--controls", directory + "/controls",
                "--known-hosts", fleet.knownHostsPath, "--spool", spool ?? self.spool, "--state", directory + "/state",
                "--timeout", "10", "--retries", "0", "--concurrency", "4",
            ]
        }

        /// The spool's files (active and rotated) and their bytes.
        func spoolFiles(in spool: String? = nil) throws -> [String: [UInt8]] {
            let spool = spool ?? self.spool
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: spool) where name.hasSuffix(".ndjson") {
                files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: spool + "/" + name)))
            }
            return files
        }
    }

    /// One parsed spool event, reduced to what the invariants need.
    private struct Event {
        var uid: String
        var run: String
        var classUID: Int
        var host: String?
        var control: String?
        var expectedFindings: Int?

        init(_ line: ArraySlice<UInt8>, file: String) throws {
            let object = try JSONSerialization.jsonObject(with: Data(line))
            let event = try #require(object as? [String: Any], "\(file): not a JSON object")
            let metadata = try #require(event["metadata"] as? [String: Any], "\(file): no metadata")
            uid = try #require(metadata["uid"] as? String, "\(file): no metadata.uid")
            run = try #require(metadata["correlation_uid"] as? String, "\(file): no metadata.correlation_uid")
            classUID = try #require(event["class_uid"] as? Int, "\(file): no class_uid")
            host = (event["device"] as? [String: Any])?["hostname"] as? String
            control = (event["compliance"] as? [String: Any])?["control"] as? String
            if classUID == 6007, host != nil,
                let counts = (event["unmapped"] as? [String: Any])?["status_counts"] as? [String: Int]
            {
                expectedFindings = counts.values.reduce(0, +)
            }
        }
    }

    /// Every line of every file is whole, valid JSON; no event id twice; no host twice in a run; a host whose
    /// activity is present has all the findings its activity counts. Returns the events.
    @discardableResult
    private func checkSpool(_ files: [String: [UInt8]], context: String) throws -> [Event] {
        var events: [Event] = []
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            guard !bytes.isEmpty else { continue }
            try #require(bytes.last == UInt8(ascii: "\n"), "\(context): \(name) ends in a torn line")
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
                do {
                    events.append(try Event(line, file: name))
                } catch {
                    let text = String(decoding: line.prefix(200), as: UTF8.self)
                    Issue.record("\(context): \(name): invalid line: \(text)")
                    throw error
                }
            }
        }
        var uids: Set<String> = []
        for event in events where !uids.insert(event.uid).inserted {
            Issue.record("\(context): event id \(event.uid) appears twice")
        }
        var findings: [String: [String]] = [:]
        var activities: [String: [Event]] = [:]
        for event in events {
            guard let host = event.host else { continue }
            let key = event.run + " " + host
            if event.classUID == 2003 { findings[key, default: []].append(event.control ?? "?") }
            if event.classUID == 6007 { activities[key, default: []].append(event) }
        }
        for (key, controls) in findings where Set(controls).count != controls.count {
            Issue.record("\(context): a finding is duplicated for run and host \(key)")
        }
        for (key, list) in activities {
            #expect(list.count == 1, "\(context): \(list.count) activities for run and host \(key)")
            let found = findings[key]?.count ?? 0
            #expect(
                found == list[0].expectedFindings,
                "\(context): run and host \(key): activity counts \(list[0].expectedFindings ?? -1) findings, \(found) present"
            )
        }
        return events
    }

    @Test("SIGKILL at random moments never leaves a torn or duplicated event and never loses a finished host's events")
    func sigkillAtRandomMoments() throws {
        let seed =
            ProcessInfo.processInfo.environment["EDCA_DURABILITY_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("DurabilityTests seed: \(seed) (set EDCA_DURABILITY_SEED=\(seed) to replay)")
        var generator = SplitMix64(seed: seed)
        let lab = try Lab(seed: seed)
        let began = ContinuousClock.now

        // One undisturbed scan: every host's batch, and how long a whole run takes (the range of kill delays).
        let full = ContinuousClock.now
        let baseline = try runAgent(lab.scanArguments(inventory: "fleet"))
        let fullRun = ContinuousClock.now - full
        try #require(baseline.status == 0, "the undisturbed scan failed: \(baseline.standardError)")
        let first = try checkSpool(try lab.spoolFiles(), context: "baseline")
        #expect(first.filter { $0.classUID == 2003 }.count == Lab.slowHosts * Lab.controlCount)
        // A second undisturbed run; the shorter sets the range of kill delays, since one run slowed by other work
        // on the machine would send most kills past the run's end.
        let again = ContinuousClock.now
        let second = try runAgent(lab.scanArguments(inventory: "fleet"))
        let secondRun = ContinuousClock.now - again
        try #require(second.status == 0, "the second undisturbed scan failed: \(second.standardError)")
        let shorterRun = min(fullRun, secondRun)
        let maximumDelay = Int(
            Double(shorterRun.components.seconds) * 1000 + Double(shorterRun.components.attoseconds) / 1e15)
        // One sync per host at most (group commit shares them), plus the run's last event and the rotation.
        let syncs = try #require(
            baseline.standardError.firstMatch(of: /spool\.syncs=(\d+)/).flatMap { Int($0.1) },
            "the scan does not log its syncs: \(baseline.standardError)")
        #expect(syncs >= 1 && syncs <= Lab.slowHosts + 2, "\(syncs) syncs for \(Lab.slowHosts) hosts")
        print(
            "DurabilityTests: an undisturbed scan takes \(maximumDelay) ms and \(syncs) syncs for \(Lab.slowHosts) hosts"
        )

        let trials = 50
        var killedMidRun = 0
        var partialBatches = 0
        var tornLines = 0
        var injectedFragments = 0
        var reportedHosts = 0
        for trial in 0..<trials {
            let context = "seed \(seed) trial \(trial)"
            // Stratified: trial k's delay is random within the k-th of `trials` equal slices of 0...1.1 runs.
            let slice = Double(maximumDelay) * 1.1 / Double(trials)
            let delay = Int(slice * (Double(trial) + Double.random(in: 0..<1, using: &generator)))
            let before = try lab.spoolFiles()
            let log = lab.directory + "/scan.log"
            try? FileManager.default.removeItem(atPath: log)
            let child = try ChildProcess(agentBinary.path, lab.scanArguments(inventory: "fleet"), output: log)
            usleep(useconds_t(delay * 1000))
            if child.isRunning { kill(child.pid, SIGKILL) }  // not yet reaped, so the pid is still this child's
            child.stop()

            // What the killed run left, before the next start repairs it.
            let active = (try? Data(contentsOf: URL(fileURLWithPath: lab.activePath))).map { Array($0) } ?? []
            if let last = active.last, last != UInt8(ascii: "\n") { tornLines += 1 }
            let wholeEnd = (active.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            let whole = Array(active[..<wholeEnd])
            let killedEvents = try checkSpool(["findings.ndjson (killed, whole lines)": whole], context: context)
            let hostActivities = killedEvents.filter { $0.classUID == 6007 && $0.host != nil }
            let runActivity = killedEvents.contains { $0.classUID == 6007 && $0.host == nil }
            if !whole.isEmpty && !runActivity && hostActivities.count < Lab.slowHosts { killedMidRun += 1 }
            let findingHosts = Set(killedEvents.filter { $0.classUID == 2003 }.compactMap(\.host))
            if findingHosts.count > hostActivities.count { partialBatches += 1 }
            // What the scan reported written is in the spool: every host its log calls finished has its batch.
            let reported = try hostsReportedFinished(inLog: log)
            reportedHosts += reported.count
            // (A kill after the run's end finds its events rotated already.)
            var writtenFiles = try lab.spoolFiles().filter { before[$0.key] == nil && $0.key != "findings.ndjson" }
            writtenFiles["findings.ndjson (killed, whole lines)"] = whole
            let written = Set(
                try checkSpool(writtenFiles, context: context).filter { $0.classUID == 6007 }.compactMap(\.host))
            for host in reported where !written.contains(host) {
                Issue.record("\(context): the scan reported \(host) finished, but its batch is not in the spool")
            }
            // SIGKILL cannot tear one small write(2) of a regular file; to exercise the repair as a power loss would
            // need it, half of the trials that did not tear a line get a fragment of one appended.
            if active.last.map({ $0 == UInt8(ascii: "\n") }) ?? true, Bool.random(using: &generator) {
                let fragment = Array(#"{"time":1,"metadata":{"uid":"00000000000000000000000000000000","cor"#.utf8)
                let cut = Int.random(in: 1..<fragment.count, using: &generator)
                let handle = try #require(FileHandle(forWritingAtPath: lab.activePath), "\(context): no active file")
                try handle.seekToEnd()
                try handle.write(contentsOf: fragment[..<cut])
                try handle.close()
                injectedFragments += 1
            }

            // The next start: a real scan of one fast host on the same spool and state.
            let next = try runAgent(lab.scanArguments(inventory: "repair"))
            try #require(next.status == 0, "\(context): the next scan failed: \(next.standardError)")
            let after = try lab.spoolFiles()
            for (name, bytes) in before where name != "findings.ndjson" {
                #expect(after[name] == bytes, "\(context): rotated file \(name) changed")
            }
            let appeared = after.filter { before[$0.key] == nil }
            if !whole.isEmpty {
                #expect(
                    appeared.values.contains { $0.starts(with: whole) },
                    "\(context): the killed run's whole lines are not kept at the head of the next rotated file")
            }
            try checkSpool(after, context: context)
            #expect(after["findings.ndjson"]?.isEmpty ?? true, "\(context): the next scan left an active file")
        }
        let elapsed = ContinuousClock.now - began
        print(
            "DurabilityTests: \(trials) trials in \(elapsed): \(killedMidRun) killed mid-run, \(partialBatches) with a "
                + "host's batch cut short, \(tornLines) torn by the kill, \(injectedFragments) fragments injected, "
                + "\(reportedHosts) hosts reported finished before the kill")
        #expect(killedMidRun >= trials / 4, "too few kills landed in the middle of a run (seed \(seed))")
    }

    /// The hosts a scan's log reports finished (`host scanned` or `host not scanned`), from its whole lines.
    private func hostsReportedFinished(inLog path: String) throws -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .filter { $0.hasSuffix("host scanned") || $0.hasSuffix("host not scanned") }
            .compactMap { line in line.firstMatch(of: /host\.name=(\S+)/).map { String($0.1) } }
    }

    /// A spool on a small tmpfs that fills in the middle of a scan: the scan reports the full disk, naming the spool
    /// file, and exits non-zero; the spool holds only whole, unique events; once there is room again the next scan
    /// keeps every whole event of the failed one and completes.
    @Test(
        "A full disk: a clear error, a non-zero exit, no torn or duplicated event, and the next scan keeps every whole one",
        .enabled(if: getuid() == 0, "needs root to mount a small tmpfs for the spool"))
    func fullDisk() throws {
        let lab = try Lab(seed: 7)
        let spool = lab.directory + "/small-spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        // Room for about two hosts' batches of the ten (each is 24 findings of ~2.5 KiB and an activity).
        try mountTool("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=128k", "edca-full-spool", spool])
        defer { _ = try? mountTool("/usr/bin/umount", [spool]) }

        let full = try runAgent(lab.scanArguments(inventory: "fleet", spool: spool))
        #expect(full.status == 1, "a scan whose spool is full must fail: \(full.standardError)")
        let message = full.standardError.split(separator: "\n").first { $0.contains("no space left on device") }
        let line = try #require(message, "no clear disk-full error in: \(full.standardError)")
        #expect(line.contains(spool + "/findings.ndjson"), "the error must name the spool file: \(line)")
        let left = try lab.spoolFiles(in: spool)
        #expect(left.keys.sorted() == ["findings.ndjson"], "nothing may be rotated after a failed write")
        let written = try checkSpool(left, context: "full disk")
        let hostsWritten = written.filter { $0.classUID == 6007 && $0.host != nil }.count
        #expect(hostsWritten >= 1 && hostsWritten < Lab.slowHosts, "the disk must fill part way through the scan")

        // Room again: the next scan completes and its rotated file starts with the failed scan's whole events.
        try mountTool("/usr/bin/mount", ["-o", "remount,size=16m", spool])
        let before = left["findings.ndjson"] ?? []
        let next = try runAgent(lab.scanArguments(inventory: "repair", spool: spool))
        #expect(next.status == 0, "\(next.standardError)")
        let after = try lab.spoolFiles(in: spool)
        try checkSpool(after, context: "after the full disk")
        let rotated = after.filter { $0.key != "findings.ndjson" }
        #expect(rotated.count == 1)
        #expect(rotated.values.allSatisfy { $0.starts(with: before) }, "the failed scan's whole events were lost")
        print(
            "DurabilityTests: full disk: \(hostsWritten) of \(Lab.slowHosts) hosts written before ENOSPC; error: \(line)"
        )
    }

    /// Runs mount or umount and fails with its output if it fails.
    @discardableResult
    private func mountTool(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " ")): \(text)")
        return text
    }
}

/// A small seeded generator, so a failing trial can be replayed from its seed.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
