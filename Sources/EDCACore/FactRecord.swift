import EDCAJSON

/// One record of a list of records (a CIM instance, a row an Exchange cmdlet returned): its properties as
/// registry-like data. A string stays a string, a non-negative integer is a `REG_DWORD` (or `REG_QWORD` above 32
/// bits), a boolean is 1 or 0, an array is a `REG_MULTI_SZ` of texts; a property that is null is left out.
package typealias FactRecord = [String: RegistryData]

/// Decoding of lists of records, shared by every fact kind whose answer is one (CIM classes, Exchange stage keys).
enum FactRecords {
    /// Decodes an array of records whose members must be allow-listed properties, spelled as the allow-list spells
    /// them (`named` maps a member name to that spelling, ignoring case, or nil when it is not allowed).
    static func decode(
        _ items: [JSONValue], field: String, owner: String, properties: [String], named: (String) -> String?,
        problems: inout [DecodingProblem]
    ) -> [FactRecord] {
        var records: [FactRecord] = []
        for (index, item) in items.enumerated() {
            let recordField = "\(field)[\(index)]"
            guard case .object(let members) = item.kind else {
                problems.append(JSONRead.mismatch(item, recordField, expected: "an object of properties"))
                continue
            }
            var record: FactRecord = [:]
            for member in members {
                guard let name = named(member.name) else {
                    problems.append(
                        DecodingProblem(
                            position: member.namePosition, field: "\(recordField).\(member.name)",
                            message: "not an allow-listed property of \(owner); expected one of "
                                + properties.joined(separator: ", ")))
                    continue
                }
                if let data = decodeValue(member.value, field: "\(recordField).\(name)", problems: &problems) {
                    record[name] = data
                }
            }
            records.append(record)
        }
        return records
    }

    /// A property's value as data; nil for JSON null (not set) or a value of no known shape (with a problem).
    static func decodeValue(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> RegistryData? {
        switch value.kind {
        case .null: return nil
        case .string(let text): return .string(text)
        case .bool(let flag): return .dword(flag ? 1 : 0)
        case .number(let number):
            if let unsigned = number.unsignedValue {
                return UInt32(exactly: unsigned).map(RegistryData.dword) ?? .qword(unsigned)
            }
        case .array(let items):
            var texts: [String] = []
            for item in items {
                switch item.kind {
                case .string(let text): texts.append(text)
                case .number(let number) where number.unsignedValue != nil: texts.append(number.literal)
                case .bool(let flag): texts.append(flag ? "True" : "False")
                default:
                    problems.append(JSONRead.mismatch(item, field, expected: "an array of strings or numbers"))
                    return nil
                }
            }
            return .multiString(texts)
        default:
            break
        }
        problems.append(
            JSONRead.mismatch(
                value, field, expected: "a string, a non-negative integer, a boolean, an array of strings or null"))
        return nil
    }
}
