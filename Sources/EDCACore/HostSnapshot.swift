package import EDCAJSON

/// Everything read from one host, one member per kind of fact: what `evaluate` replays, what `probe --save-snapshot`
/// writes and what the simulated host answers from.
///
/// The file format is versioned (`docs/registry-snapshot.md`). Version 1, the first files, is the registry object
/// alone. Version 2 is an object with `"edcaSnapshot": 2` and one member per kind of fact: `registry`, `services`, `cim` and `exchange`. A new
/// kind of fact adds a stored property here, its member to ``members`` and its decoding below; version 2 readers
/// of an older agent then name the new member as unknown rather than silently ignoring facts.
package struct HostSnapshot: Sendable {
    /// The version this agent writes.
    package static let currentVersion: Int64 = 2
    /// The member that carries the version; its absence means version 1.
    package static let versionMember = "edcaSnapshot"
    /// The members of a version 2 document besides ``versionMember``, one per kind of fact.
    package static let members = ["registry", "services", "cim", "exchange"]

    /// The registry keys and values read.
    package var registry: RegistrySnapshot
    /// The services and kernel drivers read (version 2 member `services`; absent in older files).
    package var services: ServiceSnapshot
    /// The CIM classes read (version 2 member `cim`; absent in older files).
    package var cim: CimSnapshot
    /// The Exchange stage's answers (version 2 member `exchange`; absent in older files).
    package var exchange: ExchangeSnapshot

    /// Creates a snapshot from its facts.
    package init(
        registry: RegistrySnapshot = RegistrySnapshot(), services: ServiceSnapshot = ServiceSnapshot(),
        cim: CimSnapshot = CimSnapshot(), exchange: ExchangeSnapshot = ExchangeSnapshot()
    ) {
        self.registry = registry
        self.services = services
        self.cim = cim
        self.exchange = exchange
    }

    /// Decodes a snapshot document of any version this agent knows.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed entry, the JSON syntax error, or an unknown version.
    package init(json bytes: [UInt8]) throws(SnapshotError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let message = error.hint.map { "\(error.message) (\($0))" } ?? error.message
            throw SnapshotError(problems: [DecodingProblem(position: error.position, field: "", message: message)])
        }
        guard case .object(let members) = document.kind,
            let version = members.first(where: { $0.name == Self.versionMember })
        else {
            // Version 1: the registry object alone.
            self.init(registry: try RegistrySnapshot(document: document))
            return
        }
        guard case .number(let number) = version.value.kind, number.integerValue == Self.currentVersion else {
            let found =
                if case .number(let number) = version.value.kind { number.literal } else { version.value.typeName }
            throw SnapshotError(problems: [
                DecodingProblem(
                    position: version.value.position, field: Self.versionMember,
                    message: "unknown snapshot version \(found); this edca-agent reads version 1 (no "
                        + "\(Self.versionMember) member) and version \(Self.currentVersion)")
            ])
        }
        var problems: [DecodingProblem] = []
        guard var reader = JSONObjectReader(document, path: "", problems: &problems) else {
            throw SnapshotError(problems: problems)
        }
        _ = reader.take(Self.versionMember)
        let registryDocument = reader.take("registry")
        let servicesDocument = reader.take("services")
        let cimDocument = reader.take("cim")
        let exchangeDocument = reader.take("exchange")
        reader.reportUnknownFields(knownNames: Self.members, problems: &problems)
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self.init(
            registry: try registryDocument.map { value throws(SnapshotError) in
                try RegistrySnapshot(document: value)
            } ?? RegistrySnapshot(),
            services: try servicesDocument.map { value throws(SnapshotError) in
                try ServiceSnapshot(document: value)
            } ?? ServiceSnapshot(),
            cim: try cimDocument.map { value throws(SnapshotError) in try CimSnapshot(document: value) }
                ?? CimSnapshot(),
            exchange: try exchangeDocument.map { value throws(SnapshotError) in
                try ExchangeSnapshot(document: value)
            } ?? ExchangeSnapshot())
    }

    /// The snapshot as a document of the current version, every kind of fact sorted as its own writer sorts it.
    package func jsonDocument() -> JSONOutput {
        .object(
            [
                (Self.versionMember, .integer(Self.currentVersion)),
                ("registry", registry.jsonDocument()),
            ] + (services.isEmpty ? [] : [("services", services.jsonDocument())])
                + (cim.isEmpty ? [] : [("cim", cim.jsonDocument())])
                + (exchange.isEmpty ? [] : [("exchange", exchange.jsonDocument())]))
    }
}
