package import EDCACore
import EDCAJSON

/// The declarative `check` of a control: which registry facts it reads and how the verdict follows from them.
///
/// A check is a tree. Leaves read one value (``ValueCheck``), test whether a key exists (``KeyCheck``), read
/// one value in every subkey of a key (``SubkeysCheck``), count a key's subkeys (``SubkeyCountCheck``) or test
/// the host's role; groups combine their members with `all`, `any` or
/// `none` in three-valued logic (``CheckGroup``); any node may carry an `applicableIf` gate. The JSON syntax is
/// documented in README.md, "The check language".
package indirect enum Check: Sendable {
    /// Reads one named value under a key.
    case value(ValueCheck)
    /// Tests whether a key exists.
    case key(KeyCheck)
    /// Reads one named value in each subkey of a key.
    case subkeys(SubkeysCheck)
    /// Counts a key's subkeys.
    case subkeyCount(SubkeyCountCheck)
    /// Reads one field of a service or kernel driver.
    case service(ServiceCheck)
    /// Reads one property of every instance of a CIM class.
    case cim(CimCheck)
    /// Counts a CIM class's instances.
    case cimCount(CimCountCheck)
    /// Reads one property of the rows an allow-listed Exchange cmdlet returned.
    case exchange(ExchangeCheck)
    /// Counts the rows an allow-listed Exchange cmdlet returned.
    case exchangeCount(ExchangeCountCheck)
    /// Reads one field of the certificates of a local machine store.
    case certificates(CertificateCheck)
    /// Compares two quantities summed over CIM instances.
    case compare(CompareCheck)
    /// Reads what an XML path reaches in a configuration file.
    case xml(XmlCheck)
    /// Lists a folder's subfolders.
    case folder(FolderCheck)
    /// Reads a folder's access control list.
    case acl(AclCheck)
    /// Tests that a folder from one configuration file is listed in another.
    case pathList(PathListCheck)
    /// Looks up each value of one fact in the rows of another and judges what it finds.
    case lookup(LookupCheck)
    /// Tests the names or the order of the TLS cipher suites Windows offers.
    case cipherSuites(CipherSuiteCheck)
    /// Passes when the host has this Exchange role (for a gate inside a control that applies to several roles).
    case role(ExchangeRole)
    /// Combines checks.
    case group(CheckGroup)
    /// Evaluates `body` only where `gate` passes: a failing gate makes the node `Skipped`, an unknown gate `Unknown`.
    case gated(gate: Check, body: Check)
}

/// What a value check concludes from the data it reads.
package enum ValueRule: Sendable {
    /// `Pass` when every comparison holds, `Fail` otherwise.
    case require([Comparison])
    /// The status of the first case whose comparisons all hold, else `otherwise`.
    case cases([CheckCase], otherwise: Status)
    /// `Pass` when the value exists (`true`) or does not exist (`false`).
    case presence(mustExist: Bool)
}

/// One entry of a `cases` list: comparisons that must all hold, and the status they give.
package struct CheckCase: Sendable {
    /// The comparisons, all of which must hold.
    package var comparisons: [Comparison]
    /// The status when they do.
    package var status: Status
    /// A short explanation shown in evidence, e.g. "root certificates are maintained by hand".
    package var note: String?
}

/// What an absent value means to a check.
package enum Absence: Sendable {
    /// The check cannot decide: `Unknown` (the default).
    case unknown
    /// The check gives this status.
    case status(Status)
    /// Windows behaves as if the value held this documented default; the rule is applied to it.
    case windowsDefault(RegistryData)
}

/// Reads one named value under a key and applies a rule to it.
package final class ValueCheck: Sendable {
    /// The key to read.
    package let key: RegistryPath
    /// The value's name.
    package let valueName: RegistryName
    /// How the verdict follows from the data.
    package let rule: ValueRule
    /// What an absent value (or key) means.
    package let absence: Absence
    /// Numeric values of the same key that spell a version `a.b.c.d` when the value itself is not set (Exchange's
    /// `MsiProductMajor`, `MsiProductMinor`, `MsiBuildMajor`, `MsiBuildMinor` for `OwaVersion`); usually empty.
    package let versionParts: [RegistryName]

    /// Creates a value check.
    package init(
        key: RegistryPath, valueName: RegistryName, rule: ValueRule, absence: Absence, versionParts: [RegistryName] = []
    ) {
        self.key = key
        self.valueName = valueName
        self.rule = rule
        self.absence = absence
        self.versionParts = versionParts
    }
}

/// Tests whether a key exists.
package final class KeyCheck: Sendable {
    /// The key.
    package let key: RegistryPath
    /// `true` when the check passes on an existing key, `false` when it passes on an absent one.
    package let mustExist: Bool

    /// Creates a key check.
    package init(key: RegistryPath, mustExist: Bool) {
        self.key = key
        self.mustExist = mustExist
    }
}

/// Reads one named value in every subkey of a key (for example `NetbiosOptions` of every NetBT interface).
///
/// A subkey without the value is ignored unless the check gives a Windows default. When no subkey is left
/// (the key is absent, has no subkeys, or none has the value), the check gives `whenNoneFound`.
package final class SubkeysCheck: Sendable {
    /// Whether every kept subkey must pass the rule, or at least one.
    package enum Quantifier: String, Sendable, CaseIterable {
        /// Every subkey that has the value must pass.
        case all
        /// At least one subkey must pass.
        case any
    }

    /// The key whose subkeys are read.
    package let key: RegistryPath
    /// The value read in each subkey.
    package let valueName: RegistryName
    /// All or any.
    package let quantifier: Quantifier
    /// How each subkey's verdict follows from its data.
    package let rule: ValueRule
    /// The data assumed for a subkey without the value, when Windows documents a default.
    package let windowsDefault: RegistryData?
    /// The status when no subkey has the value.
    package let whenNoneFound: Status

    /// Creates a subkeys check.
    package init(
        key: RegistryPath, valueName: RegistryName, quantifier: Quantifier, rule: ValueRule,
        windowsDefault: RegistryData?, whenNoneFound: Status
    ) {
        self.key = key
        self.valueName = valueName
        self.quantifier = quantifier
        self.rule = rule
        self.windowsDefault = windowsDefault
        self.whenNoneFound = whenNoneFound
    }
}

/// Counts the subkeys of a key (for example the AMSI providers registered under `AMSI\Providers`) and applies
/// a numeric rule to the count. An absent key gives ``absentStatus``.
package final class SubkeyCountCheck: Sendable {
    /// The key whose subkeys are counted.
    package let key: RegistryPath
    /// How the verdict follows from the count.
    package let rule: ValueRule
    /// The status when the key does not exist (`Unknown` unless the check says otherwise).
    package let absentStatus: Status

    /// Creates a subkey-count check.
    package init(key: RegistryPath, rule: ValueRule, absentStatus: Status) {
        self.key = key
        self.rule = rule
        self.absentStatus = absentStatus
    }
}

/// Reads one field of a service or kernel driver (`Win32_BaseService`) and applies a rule to it as text, e.g.
/// `{"service": "MSExchangeMitigation", "field": "state", "equals": "Running"}`.
package final class ServiceCheck: Sendable {
    /// The fields a check may read.
    package enum Field: String, Sendable, CaseIterable {
        /// The run state: `Running`, `Stopped`, `Paused`, `StartPending`, ...
        case state
        /// The start mode: `Auto`, `Manual`, `Disabled`, `Boot`, `System`.
        case startMode
    }

    /// The service's name (not its display name).
    package let name: String
    /// The field read.
    package let field: Field
    /// How the verdict follows from the field's text.
    package let rule: ValueRule
    /// The status when the service is not installed (`Unknown` unless the check says otherwise).
    package let absentStatus: Status

    /// Creates a service check.
    package init(name: String, field: Field, rule: ValueRule, absentStatus: Status) {
        self.name = name
        self.field = field
        self.rule = rule
        self.absentStatus = absentStatus
    }
}

/// Reads one allow-listed property of every instance of an allow-listed CIM class and applies a rule to each, e.g.
/// `{"cim": "Win32_ComputerSystem", "property": "NumberOfLogicalProcessors", "require": "all", "atMost": 48}`.
///
/// An instance without the property (null) is ignored; when none is left, or the class does not exist, the check
/// gives `whenNoneFound`. An unreadable class is `Unknown`, unless the check gives `whenDenied: "Skipped"`: inside a
/// group whose other members decide, the class is then left out rather than making the group `Unknown`.
package final class CimCheck: Sendable {
    /// The class read.
    package let cimClass: CimClass
    /// The property tested, in the allow-list's spelling.
    package let property: String
    /// Whether every instance with the property must pass, or at least one.
    package let quantifier: SubkeysCheck.Quantifier
    /// How each instance's verdict follows from its value.
    package let rule: ValueRule
    /// The status when no instance has the property.
    package let whenNoneFound: Status
    /// The status when the class cannot be read: `Unknown`, or `Skipped` to leave this signal out of a group.
    package let whenDenied: Status
    /// Conditions on other properties an instance must meet to be judged (`where`); usually empty.
    package let conditions: [FieldCondition]

    /// Creates a CIM check.
    package init(
        cimClass: CimClass, property: String, quantifier: SubkeysCheck.Quantifier, rule: ValueRule,
        whenNoneFound: Status, whenDenied: Status = .unknown, conditions: [FieldCondition] = []
    ) {
        self.conditions = conditions
        self.cimClass = cimClass
        self.property = property
        self.quantifier = quantifier
        self.rule = rule
        self.whenNoneFound = whenNoneFound
        self.whenDenied = whenDenied
    }
}

/// Counts the instances of an allow-listed CIM class (for example the page files of `Win32_PageFileSetting`) and
/// applies a numeric rule to the count. A class that does not exist counts 0; an unreadable one is `Unknown`.
package final class CimCountCheck: Sendable {
    /// The class whose instances are counted.
    package let cimClass: CimClass
    /// How the verdict follows from the count.
    package let rule: ValueRule

    /// Creates a CIM count check.
    package init(cimClass: CimClass, rule: ValueRule) {
        self.cimClass = cimClass
        self.rule = rule
    }
}

/// Checks combined in three-valued logic.
package struct CheckGroup: Sendable {
    /// How members combine. `Skipped` members are left out; a group of only skipped members is `Skipped`.
    package enum Combinator: String, Sendable {
        /// `Fail` if any member fails, else `Unknown` if any is unknown, else `Pass`.
        case all
        /// `Pass` if any member passes, else `Unknown` if any is unknown, else `Fail`.
        case any
        /// `Fail` if any member passes, else `Unknown` if any is unknown, else `Pass`.
        case none
    }

    /// How members combine.
    package var combinator: Combinator
    /// The members, evaluated in order.
    package var members: [Check]
    /// The status when no value read by any member is set, overriding the combination.
    package var whenAllAbsent: Status?
    /// The status when every member is `Skipped` (by default the group is `Skipped` then).
    package var whenNoneApplies: Status?
}

extension Check {
    /// Every registry read this check needs, in the order the check makes them.
    package var reads: [FactRead] {
        switch self {
        case .value(let check): [.value(check.key, check.valueName)] + check.versionParts.map { .value(check.key, $0) }
        case .key(let check): [.key(check.key)]
        case .subkeys(let check): [.subkeyValues(check.key, check.valueName)]
        case .subkeyCount(let check): [.subkeyNames(check.key)]
        case .service(let check): [.service(ServiceName(check.name))]
        case .cim(let check): [.cim(check.cimClass)]
        case .cimCount(let check): [.cim(check.cimClass)]
        case .exchange(let check): [.exchange(check.fact)]
        case .exchangeCount(let check): [.exchange(check.fact)]
        case .certificates(let check): check.reads
        case .compare(let check): check.reads
        case .xml(let check): check.reads
        case .folder(let check): [.subfolders(check.folder)]
        case .acl(let check): [.acl(check.folder)]
        case .pathList(let check): check.reads
        case .cipherSuites: [.cipherSuites]
        case .lookup(let check): check.reads
        case .role: []
        case .group(let group): group.members.flatMap(\.reads)
        case .gated(let gate, let body): gate.reads + body.reads
        }
    }
}
