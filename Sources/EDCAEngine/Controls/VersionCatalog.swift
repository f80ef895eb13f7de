import EDCACore
import EDCAJSON

/// A named list of versions shipped as data beside the controls, such as the latest known build of each Exchange
/// product line (`Controls/catalogs/exchange-builds.json`). Checks compare a version read from the registry with
/// an entry: `"versionAtLeast": {"catalog": "exchange-builds", "entry": "ExchangeSE"}`.
package struct VersionCatalog: Sendable {
    /// The catalog's name: its file name without `.json`.
    package let name: String
    /// What the catalog lists and where its figures come from.
    package let description: String
    /// The entries by name.
    package let versions: [String: DottedVersion]

    /// The members of a catalog file.
    static let fieldNames = ["description", "source", "versions"]

    /// Creates a catalog from entries already parsed.
    package init(name: String, description: String, versions: [String: DottedVersion]) {
        self.name = name
        self.description = description
        self.versions = versions
    }

    /// Decodes a catalog file: `{"description": ..., "source": URL, "versions": {"ENTRY": "a.b.c.d", ...}}`.
    /// - Throws: ``ControlDecodingError`` listing every problem with its position and field.
    package init(name: String, json bytes: [UInt8]) throws(ControlDecodingError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ControlDecodingError(problems: [
                DecodingProblem(position: error.position, field: "", message: "invalid JSON: \(error.message)")
            ])
        }
        var problems: [DecodingProblem] = []
        guard var reader = JSONObjectReader(document, path: "", problems: &problems) else {
            throw ControlDecodingError(problems: problems)
        }
        let description = reader.require("description", problems: &problems).flatMap {
            JSONRead.nonEmptyString($0, "description", &problems)
        }
        _ = reader.require("source", problems: &problems).flatMap { JSONRead.nonEmptyString($0, "source", &problems) }
        var versions: [String: DottedVersion] = [:]
        if let listJSON = reader.require("versions", problems: &problems) {
            if case .object(let members) = listJSON.kind, !members.isEmpty {
                for member in members {
                    let field = JSONObjectReader.join("versions", member.name)
                    guard versions[member.name] == nil else {
                        problems.append(
                            DecodingProblem(
                                position: member.namePosition, field: field,
                                message: "duplicate entry \"\(member.name)\""))
                        continue
                    }
                    guard let text = JSONRead.string(member.value, field, &problems) else { continue }
                    if let version = DottedVersion(text) {
                        versions[member.name] = version
                    } else {
                        problems.append(
                            DecodingProblem(
                                position: member.value.position, field: field,
                                message:
                                    "expected a version of 2 to 4 numbers such as \"15.2.1748.43\", found \"\(text)\""))
                    }
                }
            } else {
                problems.append(JSONRead.mismatch(listJSON, "versions", expected: "a non-empty object of versions"))
            }
        }
        reader.reportUnknownFields(knownNames: Self.fieldNames, problems: &problems)
        guard problems.isEmpty, let description else { throw ControlDecodingError(problems: problems) }
        self.init(name: name, description: description, versions: versions)
    }
}
