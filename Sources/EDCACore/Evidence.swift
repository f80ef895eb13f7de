/// Where a fact lives on a host: what a piece of evidence points at.
///
/// A new kind of fact (a service, a certificate, ...) adds a case here; renderers that do not know it show its
/// ``description``.
package enum FactLocation: Sendable, Hashable, CustomStringConvertible {
    /// One value of a registry key.
    case registryValue(RegistryPath, RegistryName)
    /// A registry key itself: its existence, or its subkeys.
    case registryKey(RegistryPath)
    /// The host's Exchange role (its line reads `this host is Edge; required: Mailbox`).
    case hostRole
    /// One field (`state`, `startMode`) of a service or kernel driver.
    case service(String, field: String)
    /// One property of a CIM class's instances (`instance` names the instance, when the class has a key property).
    case cimProperty(className: String, instance: String?, property: String)
    /// A CIM class itself: its instances, or why there are none.
    case cimClass(String)
    /// One property of an Exchange stage key's rows (`row` names the row by its `Identity` or `Name`, when it has
    /// one).
    case exchangeProperty(key: String, row: String?, property: String)
    /// An Exchange stage key itself: its rows, or why there are none.
    case exchangeFact(String)
    /// One field of a certificate in a local machine store (`thumbprint` names the certificate).
    case certificate(store: String, thumbprint: String, field: String)
    /// A certificate store itself: its certificates, or why there are none.
    case certificateStore(String)
    /// What an XML path reaches in a configuration file (`ExchangeInstall\\Bin\\x.config`), or the file itself
    /// when `path` is nil.
    case xml(file: String, path: String?)
    /// A folder: its subfolders, or why there are none.
    case folder(String)
    /// A folder's access control list (`ExchangeInstall` for the root itself).
    case acl(String)
    /// The TLS cipher suites Windows offers for a protocol (`TLS 1.2`; nil: every protocol), in its order.
    case cipherSuites(protocolName: String?)

    /// The location in words, as evidence lines start: `HKLM\...\Parameters RequireSecuritySignature`.
    package var description: String {
        switch self {
        case .registryValue(let key, let name): "\(key) \(name)"
        case .registryKey(let key): key.text
        case .hostRole: "this host is"
        case .service(let name, let field): "service \(name) \(field)"
        case .cimProperty(let className, let instance?, let property): "\(className)[\(instance)].\(property)"
        case .cimProperty(let className, nil, let property): "\(className).\(property)"
        case .cimClass(let className): className
        case .exchangeProperty(let key, let row?, let property): "Exchange \(key)[\(row)].\(property)"
        case .exchangeProperty(let key, nil, let property): "Exchange \(key).\(property)"
        case .exchangeFact(let key): "Exchange \(key)"
        case .certificate(let store, let thumbprint, let field): "certificate \(store)\\\(thumbprint) \(field)"
        case .certificateStore(let store): "certificate store \(store)"
        case .xml(let file, let path?): "\(file) \(path)"
        case .xml(let file, nil): file
        case .folder(let address): address
        case .acl(let address): "ACL of \(address)"
        case .cipherSuites(let name?): "TLS cipher suites for \(name)"
        case .cipherSuites(nil): "TLS cipher suites"
        }
    }

    /// The location as named fields for machines, as the spool's evidence `data` carries them: the kind of fact
    /// and its address. Registry locations and the host role have none: the spool maps them to objects of its own.
    package var fields: [(name: String, value: String)] {
        switch self {
        case .registryValue, .registryKey, .hostRole: []
        case .service(let name, let field): [("fact", "service"), ("service_name", name), ("field", field)]
        case .cimProperty(let className, let instance, let property):
            [("fact", "cim"), ("cim_class", className)] + (instance.map { [("cim_instance", $0)] } ?? [])
                + [("cim_property", property)]
        case .cimClass(let className): [("fact", "cim"), ("cim_class", className)]
        case .exchangeProperty(let key, let row, let property):
            [("fact", "exchange"), ("exchange_key", key)] + (row.map { [("exchange_row", $0)] } ?? [])
                + [("exchange_property", property)]
        case .exchangeFact(let key): [("fact", "exchange"), ("exchange_key", key)]
        case .certificate(let store, let thumbprint, let field):
            [("fact", "certificate"), ("certificate_store", store), ("thumbprint", thumbprint), ("field", field)]
        case .certificateStore(let store): [("fact", "certificate"), ("certificate_store", store)]
        case .xml(let file, let path): [("fact", "xml"), ("xml_file", file)] + (path.map { [("xml_path", $0)] } ?? [])
        case .folder(let address): [("fact", "folder"), ("folder", address)]
        case .acl(let address): [("fact", "acl"), ("folder", address)]
        case .cipherSuites(let name): [("fact", "cipher_suites")] + (name.map { [("protocol", $0)] } ?? [])
        }
    }

    /// The location its ``fields`` name, or nil when they name none: the inverse of ``fields``, for readers of the
    /// spool.
    package init?(fields: [String: String]) {
        switch fields["fact"] {
        case "service":
            guard let name = fields["service_name"], let field = fields["field"] else { return nil }
            self = .service(name, field: field)
        case "cim":
            guard let className = fields["cim_class"] else { return nil }
            if let property = fields["cim_property"] {
                self = .cimProperty(className: className, instance: fields["cim_instance"], property: property)
            } else {
                self = .cimClass(className)
            }
        case "exchange":
            guard let key = fields["exchange_key"] else { return nil }
            if let property = fields["exchange_property"] {
                self = .exchangeProperty(key: key, row: fields["exchange_row"], property: property)
            } else {
                self = .exchangeFact(key)
            }
        default: return nil
        }
    }

    /// What a count observed here counts, as a field name for machines: `subkey_count`, `instance_count`.
    package var countName: String {
        switch self {
        case .cimClass: "instance_count"
        case .exchangeFact: "row_count"
        case .certificateStore: "certificate_count"
        case .xml: "element_count"
        case .folder: "subfolder_count"
        case .acl: "entry_count"
        case .cipherSuites: "suite_count"
        default: "subkey_count"
        }
    }
}

/// A fact's data as observed on a host. A new kind of fact adds a case here.
package enum FactValue: Sendable, Hashable {
    /// A registry value's data.
    case registry(RegistryData)
    /// A count of things, such as a key's subkeys.
    case count(UInt64)
    /// An Exchange role.
    case role(ExchangeRole)
    /// A text a host reports, such as a service's state.
    case text(String)
}

/// One fact that decided a verdict, flat and already worded: what was looked at, what was observed, what was
/// required and what it gave.
///
/// The engine makes evidence from its findings; the terminal, the spool and reports render it without knowing the
/// check language. A verdict's evidence lists the facts that decided it once each, in the order the check read them.
package struct Evidence: Sendable, Hashable, CustomStringConvertible {
    /// How observed data came about.
    package enum Origin: Sendable, Hashable {
        /// Read as stored on the host.
        case stored
        /// Not set on the host; the documented Windows default.
        case windowsDefault
        /// Not set on the host; composed from other values (a version from its numeric parts).
        case composed
    }

    /// What was looked at; nil for a note about the control's own logic ("none of the values above is set").
    package var subject: FactLocation?
    /// The data observed, when there was some.
    package var value: FactValue?
    /// How ``value`` came about.
    package var origin: Origin
    /// The data the control requires, when it requires one value (such as a role).
    package var expected: FactValue?
    /// What was observed, as the line shows it after the subject: ` = 0 (not set; Windows default)`, `: not set`.
    package var observed: String
    /// The observation in a few words for machines and filters: `set`, `not set`, `key absent`, `access denied`.
    package var observation: String?
    /// What the control requires of this fact, each rule the check applied to it in words (`required: 1`).
    package var required: [String]
    /// The status this fact gave, when it gave one.
    package var result: Status?

    /// Creates evidence.
    package init(
        subject: FactLocation?, value: FactValue? = nil, origin: Origin = .stored, expected: FactValue? = nil,
        observed: String,
        observation: String? = nil, required: [String] = [], result: Status? = nil
    ) {
        self.subject = subject
        self.value = value
        self.origin = origin
        self.expected = expected
        self.observed = observed
        self.observation = observation
        self.required = required
        self.result = result
    }

    /// The evidence as one line, e.g. `HKLM\...\Parameters RequireSecuritySignature = 0; required: 1`.
    package var description: String {
        var line = subject.map(\.description) ?? ""
        line += observed
        for rule in required { line += "; " + rule }
        return line
    }
}

extension [Evidence] {
    /// The evidence with each fact once, in order: a later observation of a fact already shown adds what it was
    /// required to be (when that is new) to the first one rather than repeating the fact; repeated notes go.
    /// Linear in the count: a host with 100,000 subkeys gives as many pieces of evidence.
    package func mergingRepeatedFacts() -> [Evidence] {
        // Most verdicts have a few pieces of evidence: comparing them costs less than hashing their texts.
        if count <= 16 { return mergingRepeatedFactsByComparison() }
        var merged: [Evidence] = []
        merged.reserveCapacity(count)
        var indexOfFact: [SeenFact: Int] = [:]
        var notes: Set<Evidence> = []
        for item in self {
            guard let subject = item.subject else {
                if notes.insert(item).inserted { merged.append(item) }
                continue
            }
            let fact = SeenFact(subject: subject, observed: item.observed, value: item.value)
            guard let index = indexOfFact[fact] else {
                indexOfFact[fact] = merged.count
                merged.append(item)
                continue
            }
            for rule in item.required where !merged[index].required.contains(rule) {
                merged[index].required.append(rule)
            }
            if merged[index].result == nil { merged[index].result = item.result }
        }
        return merged
    }
}

extension [Evidence] {
    /// ``mergingRepeatedFacts()`` by comparing each piece with those kept: quadratic, for a few pieces.
    fileprivate func mergingRepeatedFactsByComparison() -> [Evidence] {
        var merged: [Evidence] = []
        merged.reserveCapacity(count)
        for item in self {
            guard let subject = item.subject else {
                // A note equals only a note, and notes are never changed once kept.
                if !merged.contains(item) { merged.append(item) }
                continue
            }
            guard
                let index = merged.firstIndex(where: {
                    $0.subject == subject && $0.observed == item.observed && $0.value == item.value
                })
            else {
                merged.append(item)
                continue
            }
            for rule in item.required where !merged[index].required.contains(rule) {
                merged[index].required.append(rule)
            }
            if merged[index].result == nil { merged[index].result = item.result }
        }
        return merged
    }
}

/// What makes two pieces of evidence the same fact seen the same way.
private struct SeenFact: Hashable {
    var subject: FactLocation
    var observed: String
    var value: FactValue?
}
