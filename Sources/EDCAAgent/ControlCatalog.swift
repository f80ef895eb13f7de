import EDCACore
package import EDCAEngine
import EDCAJSON
import Foundation

/// The controls of a directory (`Controls/`), loaded and validated together.
package struct ControlCatalog: Sendable {
    /// The largest control file accepted; real ones are a few kilobytes.
    package static let fileSizeLimit = 4 * 1_048_576

    /// The controls, sorted by id.
    package private(set) var controls: [Control]

    /// Creates a catalog from controls already loaded.
    package init(controls: [Control]) {
        self.controls = controls.sorted { $0.id < $1.id }
    }

    /// Loads every `*.json` file of a directory as a control, after the version catalogs its checks may name
    /// (`catalogs/*.json` below it, each named by its file name without `.json`).
    ///
    /// Each file must be valid, be named after its id (`EDCA-SEC-043.json`; case is not significant), and hold an id
    /// no other file holds (ignoring case).
    /// - Throws: ``InputError`` with every problem of every file, so that one run reports them all.
    package static func load(directory: String) throws(InputError) -> ControlCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw .unreadable(directory, "no such directory of controls")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(directory, "cannot be listed: \(error.localizedDescription)")
        }
        var controls: [Control] = []
        var problems: [FileProblem] = []
        var unreadable = false
        var idsSeen: [String: String] = [:]
        let catalogs = loadVersionCatalogs(directory: directory, problems: &problems, unreadable: &unreadable)
        for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            let control: Control
            do {
                control = try Control(
                    json: try InputFile.read(path, limit: fileSizeLimit, what: "control"), catalogs: catalogs)
            } catch let error as InputError {
                unreadable = unreadable || error.kind == .unreadable
                problems += error.problems
                continue
            } catch let error as ControlDecodingError {
                problems += error.problems.map { FileProblem(file: path, problem: $0) }
                continue
            } catch {
                problems.append(
                    FileProblem(file: path, problem: DecodingProblem(position: nil, field: "", message: "\(error)")))
                continue
            }
            let expectedName = control.id + ".json"
            if name.lowercased() != expectedName.lowercased() {
                problems.append(
                    FileProblem(
                        file: path,
                        problem: DecodingProblem(
                            position: nil, field: "id",
                            message: "the file must be named after its id: expected \(expectedName)")))
                continue
            }
            if let earlier = idsSeen[control.id.uppercased()] {
                problems.append(
                    FileProblem(
                        file: path,
                        problem: DecodingProblem(
                            position: nil, field: "id", message: "duplicate id \(control.id), also in \(earlier)")))
                continue
            }
            idsSeen[control.id.uppercased()] = path
            controls.append(control)
        }
        guard problems.isEmpty else {
            throw InputError(kind: unreadable ? .unreadable : .badContent, problems: problems)
        }
        return ControlCatalog(controls: controls)
    }

    /// The version catalogs of `directory/catalogs/`, by name; a directory without catalogs has none.
    private static func loadVersionCatalogs(
        directory: String, problems: inout [FileProblem], unreadable: inout Bool
    ) -> [String: VersionCatalog] {
        let catalogDirectory = (directory as NSString).appendingPathComponent("catalogs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: catalogDirectory) else { return [:] }
        var catalogs: [String: VersionCatalog] = [:]
        for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
            let path = (catalogDirectory as NSString).appendingPathComponent(name)
            do {
                let bytes = try InputFile.read(path, limit: fileSizeLimit, what: "version catalog")
                let catalogName = String(name.dropLast(".json".count))
                catalogs[catalogName] = try VersionCatalog(name: catalogName, json: bytes)
            } catch let error as InputError {
                unreadable = unreadable || error.kind == .unreadable
                problems += error.problems
            } catch let error as ControlDecodingError {
                problems += error.problems.map { FileProblem(file: path, problem: $0) }
            } catch {
                problems.append(
                    FileProblem(file: path, problem: DecodingProblem(position: nil, field: "", message: "\(error)")))
            }
        }
        return catalogs
    }

    /// The control with this id, ignoring case.
    package func control(id: String) -> Control? {
        controls.first { $0.id.uppercased() == id.uppercased() }
    }
}
