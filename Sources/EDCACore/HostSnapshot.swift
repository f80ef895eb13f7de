package import EDCAJSON

/// Everything read from one host, one member per kind of fact: what `evaluate` replays, what `probe --save-snapshot`
/// writes and what the simulated host answers from.
///
/// The file format is versioned (`docs/registry-snapshot.md`). Version 1, the first files, is the registry object
/// alone. Version 2 is an object with `"edcaSnapshot": 2` and one member per kind of fact: `registry`, `services`, `cim`,
/// `certificates`, `exchange`, `xml`, `folders`, `acls` and `cipherSuites`, and `scanTime`, when the facts were read (dates in checks
/// are compared with it). A new
/// kind of fact adds a stored property here, its member to ``members`` and its decoding below; version 2 readers
/// of an older agent then name the new member as unknown rather than silently ignoring facts.
package struct HostSnapshot: Sendable {
    /// The version this agent writes.
    package static let currentVersion: Int64 = 2
    /// The member that carries the version; its absence means version 1.
    package static let versionMember = "edcaSnapshot"
    /// The members of a version 2 document besides ``versionMember``, one per kind of fact.
    package static let members = [
        "registry", "services", "cim", "certificates", "exchange", "xml", "folders", "acls", "cipherSuites", "scanTime",
    ]

    /// The registry keys and values read.
    package var registry: RegistrySnapshot
    /// The services and kernel drivers read (version 2 member `services`; absent in older files).
    package var services: ServiceSnapshot
    /// The CIM classes read (version 2 member `cim`; absent in older files).
    package var cim: CimSnapshot
    /// The Exchange stage's answers (version 2 member `exchange`; absent in older files).
    package var exchange: ExchangeSnapshot
    /// The certificate stores read (version 2 member `certificates`; absent in older files).
    package var certificates: CertificateSnapshot
    /// When the agent read the facts, by the agent's clock (member `scanTime`, ISO 8601 UTC). Date comparisons in
    /// checks are made against it, so replaying a saved snapshot judges it as of its scan; nil in older files, where
    /// such comparisons are Unknown.
    package var scanTime: Timestamp?
    /// The XML configuration files read (version 2 member `xml`; absent in older files).
    package var xml: XmlSnapshot
    /// The folders listed (version 2 member `folders`; absent in older files).
    package var folders: FolderSnapshot
    /// The folders' access control lists read (version 2 member `acls`; absent in older files).
    package var acls: AclSnapshot
    /// The TLS cipher suites read, in Windows' order (version 2 member `cipherSuites`; absent in older files).
    package var cipherSuites: CipherSuiteSnapshot

    /// Creates a snapshot from its facts.
    package init(
        registry: RegistrySnapshot = RegistrySnapshot(), services: ServiceSnapshot = ServiceSnapshot(),
        cim: CimSnapshot = CimSnapshot(), certificates: CertificateSnapshot = CertificateSnapshot(),
        exchange: ExchangeSnapshot = ExchangeSnapshot(), xml: XmlSnapshot = XmlSnapshot(),
        folders: FolderSnapshot = FolderSnapshot(), acls: AclSnapshot = AclSnapshot(),
        cipherSuites: CipherSuiteSnapshot = CipherSuiteSnapshot(), scanTime: Timestamp? = nil
    ) {
        self.registry = registry
        self.services = services
        self.cim = cim
        self.exchange = exchange
        self.certificates = certificates
        self.xml = xml
        self.folders = folders
        self.acls = acls
        self.cipherSuites = cipherSuites
        self.scanTime = scanTime
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
        let certificatesDocument = reader.take("certificates")
        var scanTime: Timestamp?
        if let json = reader.take("scanTime"), let text = JSONRead.string(json, "scanTime", &problems) {
            scanTime = Timestamp(iso8601: text)
            if scanTime == nil {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: "scanTime",
                        message:
                            "expected an ISO 8601 date and time such as \"2026-12-03T12:00:00Z\", found \"\(text)\""))
            }
        }
        let xmlDocument = reader.take("xml")
        let foldersDocument = reader.take("folders")
        let aclsDocument = reader.take("acls")
        let cipherSuitesDocument = reader.take("cipherSuites")
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
            certificates: try certificatesDocument.map { value throws(SnapshotError) in
                try CertificateSnapshot(document: value)
            } ?? CertificateSnapshot(),
            exchange: try exchangeDocument.map { value throws(SnapshotError) in
                try ExchangeSnapshot(document: value)
            } ?? ExchangeSnapshot(),
            xml: try xmlDocument.map { value throws(SnapshotError) in try XmlSnapshot(document: value) }
                ?? XmlSnapshot(),
            folders: try foldersDocument.map { value throws(SnapshotError) in try FolderSnapshot(document: value) }
                ?? FolderSnapshot(),
            acls: try aclsDocument.map { value throws(SnapshotError) in try AclSnapshot(document: value) }
                ?? AclSnapshot(),
            cipherSuites: try cipherSuitesDocument.map { value throws(SnapshotError) in
                try CipherSuiteSnapshot(document: value)
            } ?? CipherSuiteSnapshot(),
            scanTime: scanTime)
    }

    /// The snapshot as a document of the current version, every kind of fact sorted as its own writer sorts it.
    package func jsonDocument() -> JSONOutput {
        .object(
            [
                (Self.versionMember, .integer(Self.currentVersion))
            ] + (scanTime.map { [("scanTime", .string($0.description))] } ?? [])
                + [("registry", registry.jsonDocument())]
                + (services.isEmpty ? [] : [("services", services.jsonDocument())])
                + (cim.isEmpty ? [] : [("cim", cim.jsonDocument())])
                + (certificates.isEmpty ? [] : [("certificates", certificates.jsonDocument())])
                + (exchange.isEmpty ? [] : [("exchange", exchange.jsonDocument())])
                + (xml.isEmpty ? [] : [("xml", xml.jsonDocument())])
                + (folders.isEmpty ? [] : [("folders", folders.jsonDocument())])
                + (acls.isEmpty ? [] : [("acls", acls.jsonDocument())])
                + (cipherSuites.isEmpty ? [] : [("cipherSuites", cipherSuites.jsonDocument())]))
    }
}
