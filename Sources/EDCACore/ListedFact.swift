import EDCAJSON

/// A fact that answers as a list in a snapshot: its entries (an array), `"absent"` (the store, class, folder or
/// cmdlet does not exist on the host), or `null` (the probe's account could not read it). The certificate stores,
/// CIM classes, ACLs and cipher suites all answer this way.
enum ListedFact<Entry> {
    case entries([Entry])
    case absent
    case denied

    /// Decodes `value`, its items through `decodeItems`; nil when anything was wrong (every problem reported, the
    /// wrong shape described as `expected`).
    static func decode(
        _ value: JSONValue, field: String, expected: String, problems: inout [DecodingProblem],
        items decodeItems: ([JSONValue], inout [DecodingProblem]) -> [Entry]
    ) -> ListedFact? {
        switch value.kind {
        case .null: return .denied
        case .string("absent"): return .absent
        case .array(let items):
            let before = problems.count
            let entries = decodeItems(items, &problems)
            return problems.count == before ? .entries(entries) : nil
        default:
            problems.append(JSONRead.mismatch(value, field, expected: expected))
            return nil
        }
    }

    /// Each item through `decodeItem` with its own path (`field[index]`), the items that decoded.
    static func eachItem(
        field: String, _ decodeItem: @escaping (JSONValue, String, inout [DecodingProblem]) -> Entry?
    ) -> ([JSONValue], inout [DecodingProblem]) -> [Entry] {
        { items, problems in
            items.enumerated().compactMap { index, item in decodeItem(item, "\(field)[\(index)]", &problems) }
        }
    }
}
