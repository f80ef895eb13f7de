import EDCACore
import EDCAEngine
import EDCAJSON
import EDCASpool
import Foundation
import Testing

@Suite struct SpoolWriterTests {
    @Test func openCreatesDirectoryAndFileWithExactModes() throws {
        let root = try makeTemporaryDirectory()
        defer { removeDirectory(root) }
        let directory = root + "/var/spool"
        let writer = try SpoolWriter.open(directory: directory)
        #expect(try permissions(directory) == 0o750)
        #expect(try permissions(root + "/var") == 0o750)
        #expect(try permissions(writer.activePath) == 0o640)
        #expect(writer.activePath == directory + "/findings.ndjson")
    }

    @Test func openNarrowsModesOfAnExistingDirectoryAndFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/findings.ndjson"
        try Data().write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        _ = try SpoolWriter.open(directory: directory)
        #expect(try permissions(directory) == 0o750)
        #expect(try permissions(path) == 0o640)
    }

    @Test func unknownGroupIsSkippedWithAWarning() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let writer = try SpoolWriter.open(directory: directory, group: "edca-no-such-group-\(getpid())")
        #expect(writer.warnings.count == 1)
        #expect(writer.warnings.first?.contains("does not exist") == true)
    }

    @Test func appendWritesWholeLinesAndRejectsEmbeddedNewlines() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let writer = try SpoolWriter.open(directory: directory)
        try writer.append(#"{"time":1,"n":1}"#)
        try writer.appendHostBatch([#"{"time":2,"n":2}"#, #"{"time":3,"n":3}"#])
        #expect(throws: SpoolError.self) { try writer.append("{\n}") }
        #expect(try fileText(writer.activePath) == "{\"time\":1,\"n\":1}\n{\"time\":2,\"n\":2}\n{\"time\":3,\"n\":3}\n")
    }

    @Test func tornLastLineIsRepairedOnOpen() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/findings.ndjson"
        let whole = "{\"time\":1,\"n\":1}\n{\"time\":2,\"n\":2}\n"
        try Data((whole + "{\"time\":3,\"n\"").utf8).write(to: URL(fileURLWithPath: path))
        let writer = try SpoolWriter.open(directory: directory)
        #expect(writer.repairedBytes == 13)
        #expect(try fileText(path) == whole)
        try writer.append(#"{"time":4,"n":4}"#)
        #expect(try fileText(path) == whole + "{\"time\":4,\"n\":4}\n")
    }

    @Test func anActiveFileOfAnotherOCSFVersionIsRotatedAwayWithAWarning() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/findings.ndjson"
        let old = #"{"time":1,"metadata":{"uid":"a","correlation_uid":"r","version":"1.3.0"},"class_uid":2003}"# + "\n"
        try Data(old.utf8).write(to: URL(fileURLWithPath: path))
        let writer = try SpoolWriter.open(directory: directory)
        let moved = try #require(writer.formerVersionFile)
        #expect(try fileText(moved) == old, "the old events are kept whole, in a file of their own")
        #expect(try fileText(path).isEmpty)
        #expect(writer.warnings.contains { $0.contains("OCSF 1.3.0, not 1.8.0") && $0.contains(moved) })

        // A file of the current version is appended to as before.
        let current = #"{"time":2,"metadata":{"uid":"b","correlation_uid":"r","version":"1.8.0"},"class_uid":2003}"#
        try writer.append(current)
        let again = try SpoolWriter.open(directory: directory)
        #expect(again.formerVersionFile == nil)
        #expect(again.warnings.isEmpty)
        #expect(try fileText(path) == current + "\n")
    }

    @Test func aFileWithoutAnyNewlineIsEmptiedAndAWholeFileIsKept() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/findings.ndjson"
        try Data(String(repeating: "x", count: 10_000).utf8).write(to: URL(fileURLWithPath: path))
        let writer = try SpoolWriter.open(directory: directory)
        #expect(writer.repairedBytes == 10_000)
        #expect(try fileText(path).isEmpty)

        try writer.append("{}")
        let reopened = try SpoolWriter.open(directory: directory)
        #expect(reopened.repairedBytes == 0)
        #expect(try fileText(path) == "{}\n")
    }

    @Test func rotationRenamesWithUTCTimestampAndStaysUnique() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let writer = try SpoolWriter.open(directory: directory)
        let instant = Date(timeIntervalSince1970: 1_764_072_312)  // 2025-11-25T12:05:12Z
        #expect(try writer.rotate(at: instant) == nil)  // empty active file: nothing to rotate

        try writer.append(#"{"n":1}"#)
        let first = try #require(try writer.rotate(at: instant))
        #expect(first == directory + "/findings-20251125T120512Z.ndjson")
        try writer.append(#"{"n":2}"#)
        let second = try #require(try writer.rotate(at: instant))
        #expect(second == directory + "/findings-20251125T120512Z-1.ndjson")

        #expect(try fileText(first) == "{\"n\":1}\n")
        #expect(try fileText(second) == "{\"n\":2}\n")
        #expect(try fileText(writer.activePath).isEmpty)
        #expect(try permissions(writer.activePath) == 0o640)
        try writer.append(#"{"n":3}"#)
        #expect(try fileText(writer.activePath) == "{\"n\":3}\n")
        #expect(try writer.totalSize() == 24)
        #expect(SpoolWriter.date(ofRotatedName: "findings-20251125T120512Z-1.ndjson") == instant)
    }

    @Test func retentionRemovesOnlyOldRotatedFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let writer = try SpoolWriter.open(directory: directory)
        let now = Date(timeIntervalSince1970: 1_764_072_312)
        let days: [Double] = [30, 15, 13, 1]
        for age in days {
            try writer.append(#"{"age":\#(Int(age))}"#)
            try writer.rotate(at: now.addingTimeInterval(-age * 86_400))
        }
        try writer.append(#"{"active":true}"#)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: directory + "/other.txt"))

        let removed = try writer.removeRotated(olderThan: 14, now: now)
        #expect(removed == ["findings-20251026T120512Z.ndjson", "findings-20251110T120512Z.ndjson"])
        #expect(
            try writer.rotatedFileNames() == [
                "findings-20251112T120512Z.ndjson", "findings-20251124T120512Z.ndjson",
            ])
        #expect(try fileText(writer.activePath) == "{\"active\":true}\n")
        #expect(FileManager.default.fileExists(atPath: directory + "/other.txt"))
        #expect(try writer.removeRotated(olderThan: 0, now: now.addingTimeInterval(86_400 * 365)).count == 2)
        #expect(FileManager.default.fileExists(atPath: writer.activePath))
    }

    @Test func errorsNameCodeAndPath() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        try Data("file".utf8).write(to: URL(fileURLWithPath: directory + "/blocked"))
        let error = #expect(throws: SpoolError.self) { try SpoolWriter.open(directory: directory + "/blocked") }
        #expect(error?.code == .directory)
        #expect(error?.path == directory + "/blocked")
    }
}

@Suite struct DriftStateTests {
    @Test func driftGoesNewThenUnchangedThenChanged() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }

        var first = try DriftState.load(directory: directory)
        #expect(first.drift(for: "EX01", control: "EDCA-SEC-043", status: .fail) == Drift(kind: .new, previous: nil))
        first.record(host: "EX01", control: "EDCA-SEC-043", status: .fail, time: 1000)
        first.record(host: "EX02", control: "EDCA-SEC-043", status: .pass, time: 1000)
        // Drift is judged against the state as loaded, not against this run's records.
        #expect(first.drift(for: "EX01", control: "EDCA-SEC-043", status: .fail).kind == .new)
        try first.save()
        #expect(try permissions(first.path) == 0o640)

        var second = try DriftState.load(directory: directory)
        #expect(
            second.drift(for: "EX01", control: "EDCA-SEC-043", status: .fail)
                == Drift(kind: .unchanged, previous: .fail, since: 1000, reported: 1000))
        second.record(host: "EX01", control: "EDCA-SEC-043", status: .pass, time: 2000)
        try second.save()

        let third = try DriftState.load(directory: directory)
        #expect(
            third.drift(for: "EX01", control: "EDCA-SEC-043", status: .fail)
                == Drift(kind: .changed, previous: .pass, reported: 2000))
        // A host not scanned in the second run keeps its status and its time.
        #expect(third.drift(for: "EX02", control: "EDCA-SEC-043", status: .pass).kind == .unchanged)
        #expect(third.drift(for: "EX02", control: "EDCA-SEC-043", status: .pass).since == 1000)
        #expect(third.drift(for: "EX01", control: "EDCA-SEC-043", status: .pass).since == 2000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(leftovers == [DriftState.fileName])
    }

    @Test func aVersion1StateIsStillRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        try Data(#"{"version":1,"hosts":{"EX01":{"EDCA-SEC-043":"Fail"}}}"#.utf8).write(
            to: URL(fileURLWithPath: directory + "/" + DriftState.fileName))
        var state = try DriftState.load(directory: directory)
        #expect(
            state.drift(for: "EX01", control: "EDCA-SEC-043", status: .fail)
                == Drift(kind: .unchanged, previous: .fail, since: nil))
        state.record(host: "EX01", control: "EDCA-SEC-043", status: .fail, time: 5000)
        try state.save()
        #expect(try fileText(state.path).contains(#""EDCA-SEC-043":{"status":"Fail","since":5000,"reported":5000}"#))
        // A finding left out (changes-only output) keeps the time it was last reported.
        state.record(host: "EX01", control: "EDCA-SEC-043", status: .fail, time: 9000, reported: false)
        try state.save()
        #expect(try fileText(state.path).contains(#""EDCA-SEC-043":{"status":"Fail","since":5000,"reported":5000}"#))
    }

    @Test func malformedStateIsReportedNotIgnored() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        try Data(#"{"hosts":{"EX01":{"C":"Maybe"}}}"#.utf8).write(
            to: URL(fileURLWithPath: directory + "/" + DriftState.fileName))
        let error = #expect(throws: SpoolError.self) { try DriftState.load(directory: directory) }
        #expect(error?.code == .state)
    }
}
