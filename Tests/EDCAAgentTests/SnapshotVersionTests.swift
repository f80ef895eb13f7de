import EDCAAgent
import EDCACore
import EDCAJSON
import EDCATestSupport
import Foundation
import Testing

@Suite("Snapshot file versions")
struct SnapshotVersionTests {
    private func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "edca-snapshot-\(UUID().uuidString).json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every snapshot shipped today has no version member: it is version 1 and loads as it did.
    @Test func shippedVersionOneFilesLoad() throws {
        for name in ["edge01", "mbx01", "mbx02", "mbx03", "mbx04"] {
            let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/\(name).json")
            #expect(snapshot.registry.listedKeys.count >= 5, "\(name)")
        }
    }

    /// What `probe --save-snapshot` writes (version 2) reads back to the same facts, and says its version.
    @Test func versionTwoRoundTrips() throws {
        let original = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx02.json")
        let written = original.jsonDocument().rendered()
        #expect(
            written.hasPrefix(
                "{\n  \"edcaSnapshot\": 2,\n  \"scanTime\": \"2026-12-03T09:00:00Z\",\n  \"registry\": {"))
        let path = try write(written)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reread = try SnapshotFile.load(path)
        #expect(reread.jsonDocument().rendered() == written)
        #expect(original.registry.jsonDocument().rendered() == reread.registry.jsonDocument().rendered())
    }

    @Test func unknownVersionIsRefusedNamingTheFile() throws {
        let path = try write("{\"edcaSnapshot\": 3, \"registry\": {}}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: InputError.self) { try SnapshotFile.load(path) }
        #expect(
            error.description
                == "\(path):1:18: edcaSnapshot: unknown snapshot version 3; this edca-agent reads version 1 (no "
                + "edcaSnapshot member) and version 2")
    }

    @Test func unknownMemberOfVersionTwoIsNamed() throws {
        let path = try write("{\"edcaSnapshot\": 2, \"registy\": {}}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: InputError.self) { try SnapshotFile.load(path) }
        #expect(error.description.hasPrefix("\(path):1:21: registy: "))
        #expect(error.description.contains("registry"))
    }
}
