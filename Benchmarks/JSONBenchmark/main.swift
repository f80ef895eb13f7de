// Measures our JSON reader (EDCAJSON) against Foundation's JSONSerialization and JSONDecoder on the files users
// give the agent (controls, snapshots, control cases), and prints the error each gives for the same bad files.
// Run: swift build -c release --product edca-json-benchmark && .build/release/edca-json-benchmark [ROUNDS]
import EDCACore
import EDCAEngine
import EDCAJSON
import Foundation

/// Any JSON value, decoded through `Decodable` as a caller of JSONDecoder without a schema would.
enum AnyJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }
}

/// A snapshot value as a Codable schema would state it, to show the error JSONDecoder gives for bad data.
struct RegistryValueSchema: Decodable {
    var type: String
    var data: UInt32
}

let root = FileManager.default.currentDirectoryPath
let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200

func files(in directory: String, prefix: String = "") -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []
    return names.filter { $0.hasSuffix(".json") && $0.hasPrefix(prefix) }.sorted().map { directory + "/" + $0 }
}

let corpora: [(String, [String])] = [
    ("Controls/*.json", files(in: "Controls")),
    ("Inventory/lab/*.json", files(in: "Inventory/lab")),
    ("Inventory/examples/*.json", files(in: "Inventory/examples")),
    ("Tests/ControlCases/*.json", files(in: "Tests/ControlCases")),
]

/// The median over `rounds` of the time to run `body` once on every file, in microseconds per file.
func medianMicroseconds(_ documents: [[UInt8]], _ body: ([UInt8]) -> Void) -> Double {
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let elapsed = clock.measure { for document in documents { body(document) } }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        samples.append(seconds * 1e6 / Double(documents.count))
    }
    return samples.sorted()[samples.count / 2]
}

func format(_ value: Double) -> String { String(format: "%9.1f", value) }

print("edca-json-benchmark: median of \(rounds) rounds, microseconds per file (release build)")
print("corpus                        files   KiB/file      ours   JSONSerialization   JSONDecoder(AnyJSON)")
for (name, paths) in corpora where !paths.isEmpty {
    let documents = paths.map { Array(FileManager.default.contents(atPath: root + "/" + $0) ?? Data()) }
    let kib = Double(documents.map(\.count).reduce(0, +)) / Double(documents.count) / 1024
    let ours = medianMicroseconds(documents) { _ = try? JSONParser.parse($0) }
    let serialization = medianMicroseconds(documents) { _ = try? JSONSerialization.jsonObject(with: Data($0)) }
    let decoder = JSONDecoder()
    let decodable = medianMicroseconds(documents) { _ = try? decoder.decode(AnyJSON.self, from: Data($0)) }
    print(
        name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%6d", documents.count)
            + String(format: "%11.1f", kib) + " " + format(ours) + "           " + format(serialization)
            + "              " + format(decodable))
}

print("\nErrors for the same bad snapshot files (what a user reads):")
/// A snapshot file of one key holding one value, written as a person would, with `value` on line 3.
func badFile(_ value: String) -> String {
    "{\n" + #"  "HKLM\\SOFTWARE\\X": {"# + "\n    " + value + "\n  }\n}\n"
}
let badFiles: [(String, String)] = [
    ("a trailing comma", badFile(#""A": {"type": "REG_DWORD", "data": 1},"#)),
    ("a missing quote", badFile(#""A: {"type": "REG_DWORD", "data": 1}"#)),
    ("a string where a DWORD goes", badFile(#""A": {"type": "REG_DWORD", "data": "1"}"#)),
    ("a misspelled type", badFile(#""A": {"type": "REG_DWROD", "data": 1}"#)),
]
for (what, text) in badFiles {
    print("\n- \(what):")
    do {
        _ = try HostSnapshot(json: Array(text.utf8))
        print("    ours:              (accepted)")
    } catch {
        print("    ours:              host.json: " + error.description.replacingOccurrences(of: "\n", with: "; "))
    }
    do {
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
        print("    JSONSerialization: (accepted: it checks syntax only)")
    } catch {
        print("    JSONSerialization: \(error)")
    }
    do {
        _ = try JSONDecoder().decode([String: [String: RegistryValueSchema]].self, from: Data(text.utf8))
        print("    JSONDecoder:       (accepted)")
    } catch {
        print("    JSONDecoder:       \(error)")
    }
}
