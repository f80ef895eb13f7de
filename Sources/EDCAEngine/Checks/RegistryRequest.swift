/// One registry read a check needs from a host.
package enum RegistryRead: Sendable, Hashable {
    /// Read one value of a key.
    case value(RegistryPath, RegistryName)
    /// Test whether a key exists.
    case key(RegistryPath)
    /// List a key's subkeys and read one value in each.
    case subkeyValues(RegistryPath, RegistryName)
    /// List a key's subkeys.
    case subkeyNames(RegistryPath)

    /// The key the read starts from.
    package var key: RegistryPath {
        switch self {
        case .value(let key, _), .key(let key), .subkeyValues(let key, _), .subkeyNames(let key): key
        }
    }
}

/// Everything a set of controls needs to read on one host, merged and de-duplicated, so that one probe can
/// collect it all.
package struct RegistryRequest: Sendable, Equatable {
    /// The keys whose listed values are read. Names compare ignoring case; the first spelling met is kept.
    package private(set) var values: [RegistryPath: [RegistryName]] = [:]
    /// The keys whose existence is tested (and whose values are read, when listed in ``values``).
    package private(set) var keys: Set<RegistryPath> = []
    /// The keys whose subkeys are listed, with the value read in each subkey.
    package private(set) var subkeyValues: [RegistryPath: [RegistryName]] = [:]
    /// The keys whose subkeys are listed without reading values.
    package private(set) var subkeyNames: Set<RegistryPath> = []

    /// Creates the request of a set of checks.
    package init(checks: [Check]) {
        for check in checks {
            for read in check.reads { add(read) }
        }
    }

    /// Adds one read, unless the request already has it.
    package mutating func add(_ read: RegistryRead) {
        switch read {
        case .value(let key, let name):
            if !values[key, default: []].contains(name) { values[key, default: []].append(name) }
        case .key(let key):
            keys.insert(key)
        case .subkeyValues(let key, let name):
            if !subkeyValues[key, default: []].contains(name) { subkeyValues[key, default: []].append(name) }
        case .subkeyNames(let key):
            subkeyNames.insert(key)
        }
    }

    /// Every read in the request, sorted by key path (ignoring case), then by kind and value name.
    package var reads: [RegistryRead] {
        var result: [RegistryRead] = []
        result += values.flatMap { key, names in names.map { RegistryRead.value(key, $0) } }
        result += keys.map { RegistryRead.key($0) }
        result += subkeyValues.flatMap { key, names in names.map { RegistryRead.subkeyValues(key, $0) } }
        result += subkeyNames.map { RegistryRead.subkeyNames($0) }
        return result.sorted { sortKey($0) < sortKey($1) }
    }

    private func sortKey(_ read: RegistryRead) -> (String, Int, String) {
        switch read {
        case .key(let key): (key.name.folded, 0, "")
        case .value(let key, let name): (key.name.folded, 1, name.folded)
        case .subkeyValues(let key, let name): (key.name.folded, 2, name.folded)
        case .subkeyNames(let key): (key.name.folded, 3, "")
        }
    }
}
