package import EDCAJSON

/// Why a registry snapshot document was rejected: every problem found, each naming the key, the value and what is wrong.
package struct SnapshotError: Error, Sendable, CustomStringConvertible {
    /// The problems, in document order.
    package var problems: [DecodingProblem]

    package var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension RegistrySnapshot {
    /// Decodes the registry part of a snapshot document: an object whose members are key paths (see
    /// `docs/registry-snapshot.md`). A whole snapshot file is read by ``HostSnapshot/init(json:)``, which accepts
    /// every version of the format.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed key, value or datum, or the JSON syntax error.
    package init(json bytes: [UInt8]) throws(SnapshotError) {
        self = try HostSnapshot(json: bytes).registry
    }

    /// Decodes an object whose members are registry key paths.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed key, value or datum.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        guard case .object(let keyMembers) = document.kind else {
            throw SnapshotError(problems: [
                JSONRead.mismatch(document, "", expected: "an object whose members are registry key paths")
            ])
        }
        var snapshot = RegistrySnapshot()
        var seenKeys: [RegistryName: String] = [:]
        for member in keyMembers {
            let field = "key '\(member.name)'"
            if let problem = RegistryPath.problem(with: member.name) {
                problems.append(DecodingProblem(position: member.namePosition, field: field, message: problem))
                continue
            }
            guard let path = RegistryPath(member.name) else { continue }
            if let earlier = seenKeys[path.name] {
                problems.append(
                    DecodingProblem(
                        position: member.namePosition, field: field,
                        message: "listed twice (names ignore case; first listed as '\(earlier)')"))
                continue
            }
            seenKeys[path.name] = member.name
            switch member.value.kind {
            case .null:
                snapshot.setDenied(path)
            case .object(let valueMembers):
                let values = Self.decodeValues(valueMembers, keyField: field, problems: &problems)
                snapshot.setKey(path, values: values)
            default:
                problems.append(
                    JSONRead.mismatch(
                        member.value, field, expected: "an object of values, or null for an unreadable key"))
            }
        }
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self = snapshot
    }

    private static func decodeValues(
        _ members: [JSONMember], keyField: String, problems: inout [DecodingProblem]
    ) -> [RegistryValue] {
        var values: [RegistryValue] = []
        var seen: Set<RegistryName> = []
        for member in members {
            let field = "\(keyField) value '\(member.name)'"
            guard seen.insert(RegistryName(member.name)).inserted else {
                problems.append(
                    DecodingProblem(
                        position: member.namePosition, field: field, message: "listed twice (names ignore case)"))
                continue
            }
            guard var reader = JSONObjectReader(member.value, path: field, problems: &problems) else { continue }
            let typeValue = reader.require("type", problems: &problems)
            let dataValue = reader.require("data", problems: &problems)
            reader.reportUnknownFields(knownNames: ["type", "data"], problems: &problems)
            guard let typeValue, let dataValue,
                let typeName = JSONRead.string(typeValue, field + " type", &problems)
            else { continue }
            if let data = decodeData(typeName: typeName, typeValue, dataValue, field: field, problems: &problems) {
                values.append(RegistryValue(name: member.name, data: data))
            }
        }
        return values
    }

    private static let typeNames = [
        "REG_DWORD", "REG_QWORD", "REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_BINARY", "REG_NONE",
    ]

    /// Decodes the `type` and `data` of one value in the snapshot format, reporting a problem when they are invalid.
    package static func decodeData(
        typeName: String, _ typeValue: JSONValue, _ dataValue: JSONValue, field: String,
        problems: inout [DecodingProblem]
    ) -> RegistryData? {
        let dataField = field + " data"
        func fail(_ message: String) -> RegistryData? {
            problems.append(DecodingProblem(position: dataValue.position, field: dataField, message: message))
            return nil
        }
        switch typeName {
        case "REG_DWORD":
            guard case .number(let number) = dataValue.kind, let unsigned = number.unsignedValue,
                let dword = UInt32(exactly: unsigned)
            else { return fail("REG_DWORD data must be an integer from 0 to 4294967295, found \(shown(dataValue))") }
            return .dword(dword)
        case "REG_QWORD":
            if case .number(let number) = dataValue.kind, let unsigned = number.unsignedValue {
                return .qword(unsigned)
            }
            if case .string(let text) = dataValue.kind, let unsigned = UInt64(text) { return .qword(unsigned) }
            return fail(
                "REG_QWORD data must be an integer from 0 to 18446744073709551615 (or a decimal string), "
                    + "found \(shown(dataValue))")
        case "REG_SZ", "REG_EXPAND_SZ":
            guard case .string(let text) = dataValue.kind else {
                return fail("\(typeName) data must be a string, found \(dataValue.typeName)")
            }
            return typeName == "REG_SZ" ? .string(text) : .expandString(text)
        case "REG_MULTI_SZ":
            guard case .array(let items) = dataValue.kind else {
                return fail("REG_MULTI_SZ data must be an array of strings, found \(dataValue.typeName)")
            }
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item.kind else {
                    problems.append(
                        DecodingProblem(
                            position: item.position, field: "\(dataField)[\(index)]",
                            message: "REG_MULTI_SZ data must be an array of strings, found \(item.typeName)"))
                    return nil
                }
                strings.append(text)
            }
            return .multiString(strings)
        case "REG_BINARY":
            guard case .string(let hex) = dataValue.kind, let bytes = decodeHex(hex) else {
                return fail("REG_BINARY data must be a lowercase hexadecimal string, two digits per byte")
            }
            return .binary(bytes)
        case "REG_NONE":
            guard case .null = dataValue.kind else {
                return fail("REG_NONE data must be null, found \(dataValue.typeName)")
            }
            return RegistryData.none
        default:
            var message = "unknown registry type '\(typeName)'; expected one of \(typeNames.joined(separator: ", "))"
            if let suggestion = closestName(to: typeName, among: typeNames) {
                message += " (did you mean '\(suggestion)'?)"
            }
            problems.append(DecodingProblem(position: typeValue.position, field: field + " type", message: message))
            return nil
        }
    }

    private static func shown(_ value: JSONValue) -> String {
        switch value.kind {
        case .number(let number): number.literal
        case .string(let text): "\"\(text)\""
        default: value.typeName
        }
    }

    private static func decodeHex(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
