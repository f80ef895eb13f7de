/// One fact a check needs from a host: what to read. The probe request carries one read per entry, and the probe
/// dispatches each by its member name (`docs/probe-protocol.md` §3).
///
/// A new kind of fact (a service's state, a certificate, ...) is a new case here, with its ``sortKey`` and its ``description``; the
/// recipe is in `docs/architecture.md`.
package enum FactRead: Sendable, Hashable {
    /// Read one value of a registry key (probe member `value`).
    case value(RegistryPath, RegistryName)
    /// Test whether a registry key exists (probe member `key`).
    case key(RegistryPath)
    /// List a registry key's subkeys and read one value in each (probe member `subkeys` with `name`).
    case subkeyValues(RegistryPath, RegistryName)
    /// List a registry key's subkeys (probe member `subkeys`).
    case subkeyNames(RegistryPath)
    /// Read one service's or kernel driver's state and start mode (probe member `service`).
    case service(ServiceName)
    /// Read the allow-listed properties of every instance of one allow-listed CIM class (probe member `cim`).
    case cim(CimClass)
    /// Run one allow-listed Exchange Management Shell call and keep its allow-listed properties (probe member
    /// `exchange` with the stage key; the probe runs its Exchange stage only when a request has one).
    case exchange(ExchangeFact)
    /// Read every certificate of one allow-listed local machine store (probe member `certificates`).
    case certificates(CertificateStore)
    /// Read the attribute an ``XmlPath`` names (or count the elements it reaches) in an XML configuration file under
    /// an allow-listed root (probe member `xml` with `file` and `path`).
    case xml(LocalPath, XmlPath)
    /// List the subfolders of a folder under an allow-listed root (probe member `subfolders` with `folder`).
    case subfolders(LocalPath)
    /// Read a folder's access control list (probe member `acl` with `folder`; `""` is the root itself).
    case acl(LocalPath)
    /// Read the enabled TLS cipher suites in Windows' order, with the protocols each serves (probe member
    /// `cipherSuites`, whose only value is `Get-TlsCipherSuite`).
    case cipherSuites

    /// The registry key the read starts from, for a registry read.
    package var registryKey: RegistryPath? {
        switch self {
        case .value(let key, _), .key(let key), .subkeyValues(let key, _), .subkeyNames(let key): key
        case .service, .cim, .exchange, .certificates, .xml, .subfolders, .acl, .cipherSuites: nil
        }
    }

    /// How requests order reads: by kind of fact, then by what the read names (registry: key path ignoring case,
    /// then kind of read, then value name), so that a request is the same whatever order the checks list them in.
    package var sortKey: (kind: Int, name: String, detail: Int, subname: String) {
        switch self {
        case .key(let key): (0, key.name.folded, 0, "")
        case .value(let key, let name): (0, key.name.folded, 1, name.folded)
        case .subkeyValues(let key, let name): (0, key.name.folded, 2, name.folded)
        case .subkeyNames(let key): (0, key.name.folded, 3, "")
        case .service(let name): (1, name.folded, 0, "")
        case .cim(let cimClass): (2, cimClass.address.lowercased(), 0, "")
        case .exchange(let fact): (4, fact.key.lowercased(), 0, "")
        case .certificates(let store): (3, store.address.lowercased(), 0, "")
        case .xml(let file, let path): (5, file.address.lowercased(), 0, path.text)
        case .subfolders(let folder): (6, folder.address.lowercased(), 0, "")
        case .acl(let folder): (7, folder.address.lowercased(), 0, "")
        case .cipherSuites: (8, "", 0, "")
        }
    }
}

extension FactRead: CustomStringConvertible {
    /// The read in words, as `controls show` lists it: `value HKLM\...\Parameters RequireSecuritySignature`.
    package var description: String {
        switch self {
        case .value(let key, let name): "value \(key) \(name.text.isEmpty ? "(default)" : name.text)"
        case .key(let key): "key exists: \(key)"
        case .subkeyValues(let key, let name): "each subkey of \(key): value \(name)"
        case .subkeyNames(let key): "subkeys of \(key)"
        case .service(let name): "service \(name): state and start mode"
        case .cim(let cimClass):
            "CIM \(cimClass.address): " + cimClass.properties.joined(separator: ", ")
                + (cimClass.filter.map { " where \($0.property) is one of " + $0.values.joined(separator: ", ") } ?? "")
                + (cimClass.policyStore.map { " (policy store \($0))" } ?? "")
        case .exchange(let fact):
            "Exchange \(fact.key) (\(fact.cmdlet)\(fact.arguments.isEmpty ? "" : " " + fact.arguments)): "
                + fact.properties.joined(separator: ", ")
        case .certificates(let store):
            "certificates in \(store.address): " + CertificateEntry.fieldNames.joined(separator: ", ")
        case .xml(let file, let path): "XML \(file) \(path)"
        case .subfolders(let folder): "subfolders of \(folder)"
        case .acl(let folder): "access control list of \(folder)"
        case .cipherSuites: "TLS cipher suites (Get-TlsCipherSuite): name and protocols, in Windows' order"
        }
    }
}

/// Everything a set of controls needs to read on one host, merged and de-duplicated, so that one probe can
/// collect it all. Names compare ignoring case; the first spelling met is kept.
package struct FactRequest: Sendable, Equatable {
    private var known: Set<FactRead> = []
    private var added: [FactRead] = []

    /// Creates an empty request.
    package init() {}

    /// Creates the request of a list of reads.
    package init(reads: some Sequence<FactRead>) {
        for read in reads { add(read) }
    }

    /// Adds one read, unless the request already has it.
    package mutating func add(_ read: FactRead) {
        if known.insert(read).inserted { added.append(read) }
    }

    /// Every read in the request, sorted by ``FactRead/sortKey``.
    package var reads: [FactRead] {
        added.sorted { $0.sortKey < $1.sortKey }
    }

    package static func == (lhs: FactRequest, rhs: FactRequest) -> Bool {
        lhs.known == rhs.known
    }
}
