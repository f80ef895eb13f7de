import EDCACore
package import EDCAJSON

/// Turns an event into one spool line: compact JSON, at most ``maximumBytes`` bytes with its newline.
///
/// Fluent Bit drops a whole file from monitoring at a line over 32 KiB by default and Wazuh truncates at 64 KiB, so
/// lines are capped at 16 KiB. An event over the cap loses evidence entries from the end, then long strings are
/// shortened, until it fits; it is marked `metadata.is_truncated`, `metadata.untruncated_size` and
/// `unmapped.truncated` with how many evidence entries were dropped, and stays valid JSON.
package enum SpoolLine {
    /// The largest line, newline included, in bytes.
    package static let maximumBytes = 16 * 1024

    /// The event as one line without its newline, capped so that the line with `\n` is at most `maximumBytes`.
    package static func render(_ event: JSONOutput, maximumBytes: Int = maximumBytes) -> String {
        let full = event.compactRendered()
        let untruncatedSize = full.utf8.count
        if untruncatedSize + 1 <= maximumBytes { return full }

        let evidences = event.member("evidences")?.arrayItems ?? []
        let dropped = evidences.count
        func attempt(_ candidate: JSONOutput) -> String? {
            let line = candidate.compactRendered()
            return line.utf8.count + 1 <= maximumBytes ? line : nil
        }
        func marked(_ base: JSONOutput, keeping count: Int) -> JSONOutput {
            var result = base
            if base.member("evidences") != nil {
                result = result.replacing("evidences", with: .array(Array(evidences.prefix(count))))
            }
            return result.markedTruncated(untruncatedSize: untruncatedSize, droppedEvidences: evidences.count - count)
        }
        // First drop evidence entries from the end, keeping as many of the first ones as fit. The line grows with
        // every entry kept, so a binary search finds the most that fit in O(log n) renderings: a host with 100,000
        // subkeys gives as many entries, and dropping them one at a time took hours.
        if let line = attempt(marked(event, keeping: 0)) {
            var fits = (count: 0, line: line)
            var tooMany = evidences.count + 1
            while tooMany - fits.count > 1 {
                let middle = fits.count + (tooMany - fits.count) / 2
                if let line = attempt(marked(event, keeping: middle)) {
                    fits = (middle, line)
                } else {
                    tooMany = middle
                }
            }
            return fits.line
        }
        // Then shorten every long string, more and more.
        for limit in [2048, 512, 128, 32] {
            if let line = attempt(marked(event, keeping: 0).shorteningStrings(to: limit)) { return line }
        }
        // Last: keep only the first members (time, metadata, class) with short strings and empty arrays.
        var members = event.objectMembers ?? []
        while !members.isEmpty {
            let minimal = JSONOutput.object(members).withoutArrays().shorteningStrings(to: 16)
            if let line = attempt(minimal.markedTruncated(untruncatedSize: untruncatedSize, droppedEvidences: dropped))
            {
                return line
            }
            members.removeLast()
        }
        return JSONOutput.object([]).markedTruncated(untruncatedSize: untruncatedSize, droppedEvidences: dropped)
            .compactRendered()
    }
}

extension JSONOutput {
    /// The members of an object, or nil.
    var objectMembers: [(String, JSONOutput)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The items of an array, or nil.
    var arrayItems: [JSONOutput]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The first member with this name, if this is an object that has one.
    package func member(_ name: String) -> JSONOutput? {
        objectMembers?.first { $0.0 == name }?.1
    }

    /// The object with the named member's value replaced, or appended when absent.
    func replacing(_ name: String, with value: JSONOutput) -> JSONOutput {
        guard var members = objectMembers else { return self }
        if let index = members.firstIndex(where: { $0.0 == name }) {
            members[index].1 = value
        } else {
            members.append((name, value))
        }
        return .object(members)
    }

    /// The object with `metadata.is_truncated`, `metadata.untruncated_size` and `unmapped.truncated` set.
    func markedTruncated(untruncatedSize: Int, droppedEvidences: Int) -> JSONOutput {
        var result = self
        if let metadata = member("metadata"), metadata.objectMembers != nil {
            let marked = metadata.replacing("is_truncated", with: .bool(true))
                .replacing("untruncated_size", with: .integer(Int64(untruncatedSize)))
            result = result.replacing("metadata", with: marked)
        }
        let unmapped = member("unmapped").flatMap { $0.objectMembers != nil ? $0 : nil } ?? .object([])
        let markedUnmapped = unmapped.replacing("truncated", with: .bool(true))
            .replacing("evidences_dropped", with: .integer(Int64(droppedEvidences)))
        return result.replacing("unmapped", with: markedUnmapped)
    }

    /// The document with every string longer than `limit` characters cut to `limit` and ending in `…`.
    func shorteningStrings(to limit: Int) -> JSONOutput {
        switch self {
        case .string(let text) where text.count > limit:
            return .string(String(text.prefix(max(limit - 1, 0))) + "…")
        case .array(let items): return .array(items.map { $0.shorteningStrings(to: limit) })
        case .object(let members): return .object(members.map { ($0.0, $0.1.shorteningStrings(to: limit)) })
        default: return self
        }
    }

    /// The document with every array emptied.
    func withoutArrays() -> JSONOutput {
        switch self {
        case .array: return .array([])
        case .object(let members): return .object(members.map { ($0.0, $0.1.withoutArrays()) })
        default: return self
        }
    }
}
