import EDCATestSupport
import Foundation
import Synchronization
import Testing

/// What one run of the built `edca-agent` binary printed and returned.
struct AgentRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs the `edca-agent` binary built next to this test bundle, from the repository root, and waits for it.
func runAgent(_ arguments: [String], environment: [String: String] = [:]) throws -> AgentRun {
    try runProgram(agentBinary, arguments, environment: environment)
}

/// Runs a program from the repository root with this process's environment plus `environment`, and waits for it.
func runProgram(_ program: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> AgentRun {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return AgentRun(
        status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self))
}

/// The built binary: SwiftPM puts it in the same directory as the test bundle.
let agentBinary = builtProductsDirectory.appendingPathComponent("edca-agent")

/// Starts the binary from the repository root with its output discarded, for tests that signal or race it.
func startAgent(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = agentBinary
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// Starts the binary like ``startAgent(_:)`` and returns once it has logged "scan started": its scan lock is held and
/// SIGTERM and SIGINT stop it gracefully from then on, so a test's signal or second scan meets the scan, not its
/// start-up (which a loaded machine can stretch well past any fixed sleep). Its stderr is read to the end meanwhile.
func startScanningAgent(_ arguments: [String], within seconds: Double = 120) throws -> Process {
    let process = Process()
    process.executableURL = agentBinary
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.standardOutput = FileHandle.nullDevice
    let standardError = Pipe()
    process.standardError = standardError
    let started = DispatchSemaphore(value: 0)
    let seen = Mutex("")
    standardError.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        if data.isEmpty {
            handle.readabilityHandler = nil
            started.signal()  // the agent ended before starting its scan: the caller's expectations say why
            return
        }
        let first = seen.withLock { text in
            let before = text.contains("scan started")
            text += String(decoding: data, as: UTF8.self)
            return !before && text.contains("scan started")
        }
        if first { started.signal() }
    }
    try process.run()
    if started.wait(timeout: .now() + seconds) == .timedOut {
        process.terminate()
        throw AgentDidNotStart(seconds: seconds)
    }
    return process
}

/// ``startScanningAgent(_:within:)`` waited in vain.
struct AgentDidNotStart: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "edca-agent did not log \"scan started\" within \(seconds) s" }
}

/// The JSON document a run printed, as nested Foundation values.
func parsedJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

/// Every event of every spool file (`*.ndjson`, active and rotated, in name order) in `directory`, parsed.
func spoolEvents(in directory: String) throws -> [[String: Any]] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return try names.filter { $0.hasSuffix(".ndjson") }.sorted().flatMap { name in
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\(name): \($0)")
        }
    }
}
