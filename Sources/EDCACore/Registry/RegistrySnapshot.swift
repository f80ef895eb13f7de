package import EDCAJSON

/// What a Windows host's registry holds, as far as it was read: keys, their values, and keys that could not be read.
///
/// Names compare case-insensitively. A listed key's ancestors exist too, and a key's subkeys are the listed keys
/// directly below it. A key listed as unreadable (access denied) makes every key below it that is not listed
/// unknown rather than absent. The format is described in `docs/registry-snapshot.md`.
package struct RegistrySnapshot: Sendable {
    /// What a snapshot says about one key.
    package enum KeyState: Sendable {
        /// The key exists; its values by folded name.
        case readable([RegistryName: RegistryValue])
        /// The key exists but could not be read.
        case denied
        /// The key does not exist.
        case absent
    }

    /// What a snapshot says about one value.
    package enum ValueState: Sendable {
        /// The value exists.
        case present(RegistryValue)
        /// The key exists without this value.
        case valueAbsent
        /// The key does not exist.
        case keyAbsent
        /// The key could not be read.
        case denied
    }

    /// What a snapshot says about whether a key exists.
    package enum Existence: Sendable {
        /// The key exists (readable or not).
        case exists
        /// The key does not exist.
        case absent
        /// A key above it cannot be read, so whether it exists is unknown.
        case unknown
    }

    /// What a snapshot says about a key's subkeys.
    package enum SubkeyState: Sendable {
        /// The key exists; the paths of its subkeys, in the order first listed.
        case keys([RegistryPath])
        /// The key could not be read.
        case denied
        /// The key does not exist.
        case absent
    }

    private enum Entry: Sendable {
        case values([RegistryName: RegistryValue])
        case denied
    }

    private var entries: [RegistryName: Entry] = [:]
    private var children: [RegistryName: [RegistryPath]] = [:]
    private var childNames: [RegistryName: Set<RegistryName>] = [:]
    /// The folded paths of unreadable keys, each followed by `\`, to test "below an unreadable key" by prefix.
    private var deniedPrefixes: [String] = []

    /// Creates an empty snapshot: every key absent.
    package init() {}

    /// Records a readable key with its values, replacing what was recorded for it.
    package mutating func setKey(_ path: RegistryPath, values: [RegistryValue]) {
        var byName: [RegistryName: RegistryValue] = [:]
        for value in values { byName[RegistryName(value.name)] = value }
        entries[path.name] = .values(byName)
        registerAncestors(of: path)
    }

    /// Records a key that exists but cannot be read.
    package mutating func setDenied(_ path: RegistryPath) {
        entries[path.name] = .denied
        deniedPrefixes.append(path.name.folded + "\\")
        registerAncestors(of: path)
    }

    /// All keys the snapshot lists, in no particular order.
    package var listedKeys: [String] { entries.keys.map(\.text) }

    private mutating func registerAncestors(of path: RegistryPath) {
        var child = path
        while let parent = child.parent {
            let childName = RegistryName(child.leafName)
            let inserted = childNames[parent.name, default: []].insert(childName).inserted
            guard inserted else { return }
            children[parent.name, default: []].append(child)
            child = parent
        }
    }

    /// What the snapshot says about a key's values.
    ///
    /// A key that is not listed itself but has listed keys below it exists without values, unless a key above it
    /// cannot be read: then its values are unknown too.
    package func key(_ path: RegistryPath) -> KeyState {
        switch entries[path.name] {
        case .values(let values): return .readable(values)
        case .denied: return .denied
        case nil:
            if hasDeniedAncestor(path) { return .denied }
            return children[path.name] != nil || path.isHiveRoot ? .readable([:]) : .absent
        }
    }

    /// What the snapshot says about whether a key exists, which is known even for a listed key that cannot be read.
    package func existence(of path: RegistryPath) -> Existence {
        if entries[path.name] != nil || children[path.name] != nil || path.isHiveRoot { return .exists }
        return hasDeniedAncestor(path) ? .unknown : .absent
    }

    /// What the snapshot says about one value of a key.
    package func value(_ name: RegistryName, in path: RegistryPath) -> ValueState {
        switch key(path) {
        case .readable(let values):
            if let value = values[name] { return .present(value) }
            return .valueAbsent
        case .denied: return .denied
        case .absent: return .keyAbsent
        }
    }

    /// What the snapshot says about a key's subkeys.
    package func subkeys(of path: RegistryPath) -> SubkeyState {
        switch key(path) {
        case .readable: return .keys(children[path.name] ?? [])
        case .denied: return .denied
        case .absent: return .absent
        }
    }

    /// The unreadable key that hides `path`: the key itself when it is listed as unreadable, else the nearest
    /// unreadable key above it; nil when nothing hides it.
    package func unreadableKey(hiding path: RegistryPath) -> RegistryPath? {
        var current: RegistryPath? = path
        while let key = current {
            if case .denied = entries[key.name] { return key }
            current = key.parent
        }
        return nil
    }

    /// Records that a value exists, adding the key (readable) when the snapshot does not list it yet.
    /// A key recorded as unreadable stays so.
    package mutating func addValue(_ value: RegistryValue, to path: RegistryPath) {
        // The entry is taken out while it changes, so that its dictionary is not copied; a key already listed has
        // its ancestors registered (the probe's answers give a key's values one by one).
        var values: [RegistryName: RegistryValue] = [:]
        switch entries.removeValue(forKey: path.name) {
        case .denied?:
            entries[path.name] = .denied
            return
        case .values(let existing)?:
            values = existing
            values[RegistryName(value.name)] = value
            entries[path.name] = .values(values)
        case nil:
            values[RegistryName(value.name)] = value
            entries[path.name] = .values(values)
            registerAncestors(of: path)
        }
    }

    /// Records that a key exists, keeping what is already recorded for it.
    package mutating func addKey(_ path: RegistryPath) {
        guard entries[path.name] == nil else { return }
        entries[path.name] = .values([:])
        registerAncestors(of: path)
    }

    private func hasDeniedAncestor(_ path: RegistryPath) -> Bool {
        deniedPrefixes.contains { path.name.folded.hasPrefix($0) }
    }
}

extension RegistrySnapshot {
    /// The snapshot as a document in the snapshot format (`docs/registry-snapshot.md`): every listed key, sorted
    /// by path ignoring case, values sorted by name; `null` for unreadable keys.
    package func jsonDocument() -> JSONOutput {
        let sortedKeys = entries.sorted { $0.key.folded < $1.key.folded }
        return .object(
            sortedKeys.map { name, entry in
                switch entry {
                case .denied:
                    return (name.text, .null)
                case .values(let values):
                    let sortedValues = values.values.sorted {
                        RegistryName($0.name).folded < RegistryName($1.name).folded
                    }
                    return (name.text, .object(sortedValues.map { ($0.name, $0.data.jsonDocument) }))
                }
            })
    }
}

extension RegistryData {
    /// The `{"type": ..., "data": ...}` object of the snapshot format.
    package var jsonDocument: JSONOutput {
        let data: JSONOutput =
            switch self {
            case .dword(let number): .unsigned(UInt64(number))
            case .qword(let number): number > 1 << 53 ? .string(String(number)) : .unsigned(number)
            case .string(let text), .expandString(let text): .string(text)
            case .multiString(let items): .array(items.map(JSONOutput.string))
            case .binary(let bytes): .string(bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
            case .none: .null
            }
        return .object([("type", .string(typeName)), ("data", data)])
    }
}
