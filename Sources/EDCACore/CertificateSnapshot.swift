package import EDCAJSON

/// A certificate store of the local machine that the probe may read (`Cert:\LocalMachine\<name>`). Controls name a
/// store from this list; the probe refuses any other.
package struct CertificateStore: Sendable, Hashable, CustomStringConvertible {
    /// The store's name under `LocalMachine`: `My` (the computer's own certificates, where Exchange and IIS keep
    /// theirs) or `WebHosting` (IIS's store for many site certificates).
    package let name: String

    /// The allow-list.
    package static let allowed: [CertificateStore] = [
        CertificateStore(name: "My"), CertificateStore(name: "WebHosting"),
    ]

    private init(name: String) { self.name = name }

    /// The address a probe request and a snapshot carry: `LocalMachine\My`.
    package var address: String { #"LocalMachine\"# + name }

    package var description: String { address }

    /// The allow-listed store named `My` or `LocalMachine\My` (ignoring case), or nil.
    package static func named(_ text: String) -> CertificateStore? {
        let folded = text.lowercased()
        return allowed.first { $0.name.lowercased() == folded || $0.address.lowercased() == folded }
    }
}

/// What Windows says about one certificate of a store (`X509Certificate2`). Dates are UTC.
package struct CertificateEntry: Sendable, Hashable {
    /// The fields a check may name, in the order they are written. `httpsBindings` is not among them: the engine
    /// computes it from the registry (``CertificateEntry/derivedFields``).
    package static let fieldNames = [
        "thumbprint", "subject", "issuer", "dnsNames", "notBefore", "notAfter", "keyAlgorithm", "keySize",
        "signatureAlgorithm", "hasPrivateKey",
    ]
    /// Fields the engine adds to each entry from other facts: `httpsBindings`, the HTTP.sys bindings (`IP:port` or
    /// `host:port`) whose `SslCertHash` is this certificate's thumbprint.
    package static let derivedFields = ["httpsBindings"]

    /// The SHA-1 thumbprint as 40 uppercase hexadecimal digits.
    package var thumbprint: String
    /// The subject distinguished name.
    package var subject: String
    /// The issuer distinguished name.
    package var issuer: String
    /// The DNS names of the subject alternative name extension (and the subject's CN when there is none).
    package var dnsNames: [String]
    /// The start of validity.
    package var notBefore: Timestamp
    /// The end of validity.
    package var notAfter: Timestamp
    /// The public key's algorithm: `RSA`, `ECC`, `DSA`.
    package var keyAlgorithm: String
    /// The public key's size in bits.
    package var keySize: UInt64
    /// The signature algorithm's name: `sha256RSA`, `sha1RSA`, `sha384ECDSA`.
    package var signatureAlgorithm: String
    /// Whether the store holds the private key (a certificate a service can present).
    package var hasPrivateKey: Bool

    /// Creates an entry.
    package init(
        thumbprint: String, subject: String, issuer: String, dnsNames: [String], notBefore: Timestamp,
        notAfter: Timestamp, keyAlgorithm: String, keySize: UInt64, signatureAlgorithm: String, hasPrivateKey: Bool
    ) {
        self.thumbprint = thumbprint
        self.subject = subject
        self.issuer = issuer
        self.dnsNames = dnsNames
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.keyAlgorithm = keyAlgorithm
        self.keySize = keySize
        self.signatureAlgorithm = signatureAlgorithm
        self.hasPrivateKey = hasPrivateKey
    }

    /// The entry as named data, as checks test it: texts as strings, dates as ISO 8601 strings, the key size as a
    /// number, `hasPrivateKey` as 1 or 0, `dnsNames` as a list.
    package var record: [String: RegistryData] {
        [
            "thumbprint": .string(thumbprint), "subject": .string(subject), "issuer": .string(issuer),
            "dnsNames": .multiString(dnsNames), "notBefore": .string(notBefore.description),
            "notAfter": .string(notAfter.description), "keyAlgorithm": .string(keyAlgorithm),
            "keySize": UInt32(exactly: keySize).map(RegistryData.dword) ?? .qword(keySize),
            "signatureAlgorithm": .string(signatureAlgorithm), "hasPrivateKey": .dword(hasPrivateKey ? 1 : 0),
        ]
    }

    /// The field of this name (ignoring case), in the list's spelling, including derived fields.
    package static func field(_ text: String) -> String? {
        (fieldNames + derivedFields).first { $0.lowercased() == text.lowercased() }
    }
}

/// What a host says about one certificate store.
package enum CertificateStoreState: Sendable, Hashable {
    /// The store's certificates (possibly none).
    case entries([CertificateEntry])
    /// The store does not exist on this host.
    case absent
    /// The store cannot be opened by the probe's account.
    case denied
}

/// The certificate stores read on a host, by address. A store a snapshot does not list was not read.
package struct CertificateSnapshot: Sendable {
    private var stores: [String: (store: CertificateStore, state: CertificateStoreState)] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no store was recorded.
    package var isEmpty: Bool { stores.isEmpty }

    /// Records what the host says about one store.
    package mutating func set(_ store: CertificateStore, _ state: CertificateStoreState) {
        stores[store.name.lowercased()] = (store, state)
    }

    /// What the snapshot says about a store, or nil when it was not read.
    package func state(of store: CertificateStore) -> CertificateStoreState? {
        stores[store.name.lowercased()]?.state
    }

    /// Decodes the `certificates` member of a snapshot: `{"LocalMachine\\My": [{"thumbprint": ..., ...}]}`, with
    /// `"absent"` for a store that does not exist and `null` for one that cannot be opened.
    ///
    /// - Throws: ``SnapshotError`` listing every store outside the allow-list and every malformed entry.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        guard case .object(let members) = document.kind else {
            throw SnapshotError(problems: [
                JSONRead.mismatch(document, "certificates", expected: "an object whose members are store addresses")
            ])
        }
        var snapshot = CertificateSnapshot()
        for member in members {
            let field = "certificates.\(member.name)"
            guard let store = CertificateStore.named(member.name) else {
                problems.append(
                    DecodingProblem(
                        position: member.namePosition, field: field,
                        message: "not an allow-listed certificate store; expected one of "
                            + CertificateStore.allowed.map(\.address).joined(separator: ", ")))
                continue
            }
            if let state = Self.decodeState(member.value, field: field, problems: &problems) {
                snapshot.set(store, state)
            }
        }
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self = snapshot
    }

    /// Decodes one store: an array of certificates, `"absent"`, or `null` (cannot be opened).
    package static func decodeState(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> CertificateStoreState? {
        let decoded = ListedFact.decode(
            value, field: field, expected: "an array of certificates, \"absent\", or null when unreadable",
            problems: &problems, items: ListedFact.eachItem(field: field) { decodeEntry($0, field: $1, problems: &$2) })
        return switch decoded {
        case .entries(let entries): .entries(entries)
        case .absent: .absent
        case .denied: .denied
        case nil: nil
        }
    }

    private static func decodeEntry(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> CertificateEntry? {
        let before = problems.count
        guard var reader = JSONObjectReader(value, path: field, problems: &problems) else { return nil }
        func text(_ name: String) -> String? {
            reader.require(name, problems: &problems).flatMap { JSONRead.string($0, reader.path(of: name), &problems) }
        }
        func date(_ name: String) -> Timestamp? {
            guard let json = reader.require(name, problems: &problems),
                let text = JSONRead.string(json, reader.path(of: name), &problems)
            else { return nil }
            guard let date = Timestamp(iso8601: text) else {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: name),
                        message: "expected an ISO 8601 date such as \"2027-03-01T12:00:00Z\", found \"\(text)\""))
                return nil
            }
            return date
        }
        let thumbprint = text("thumbprint")
        let isHex: (UInt8) -> Bool = { (0x30...0x39).contains($0) || (0x41...0x46).contains($0 & 0xDF) }
        if let thumbprint, thumbprint.count != 40 || !thumbprint.utf8.allSatisfy(isHex) {
            problems.append(
                DecodingProblem(
                    position: value.position, field: reader.path(of: "thumbprint"),
                    message: "a thumbprint is 40 hexadecimal digits, found \"\(thumbprint)\""))
        }
        let subject = text("subject")
        let issuer = text("issuer")
        var dnsNames: [String]?
        if let json = reader.require("dnsNames", problems: &problems),
            let items = JSONRead.array(json, reader.path(of: "dnsNames"), &problems)
        {
            dnsNames = items.compactMap { JSONRead.string($0, reader.path(of: "dnsNames"), &problems) }
        }
        let notBefore = date("notBefore")
        let notAfter = date("notAfter")
        let keyAlgorithm = text("keyAlgorithm")
        var keySize: UInt64?
        if let json = reader.require("keySize", problems: &problems) {
            if case .number(let number) = json.kind, let unsigned = number.unsignedValue {
                keySize = unsigned
            } else {
                problems.append(JSONRead.mismatch(json, reader.path(of: "keySize"), expected: "a number of bits"))
            }
        }
        let signatureAlgorithm = text("signatureAlgorithm")
        let hasPrivateKey = reader.require("hasPrivateKey", problems: &problems).flatMap {
            JSONRead.bool($0, reader.path(of: "hasPrivateKey"), &problems)
        }
        reader.reportUnknownFields(knownNames: CertificateEntry.fieldNames, problems: &problems)
        guard let thumbprint, let subject, let issuer, let dnsNames, let notBefore, let notAfter, let keyAlgorithm,
            let keySize, let signatureAlgorithm, let hasPrivateKey, problems.count == before
        else { return nil }
        return CertificateEntry(
            thumbprint: thumbprint.uppercased(), subject: subject, issuer: issuer, dnsNames: dnsNames,
            notBefore: notBefore, notAfter: notAfter, keyAlgorithm: keyAlgorithm, keySize: keySize,
            signatureAlgorithm: signatureAlgorithm, hasPrivateKey: hasPrivateKey)
    }

    /// The snapshot as the `certificates` member, stores sorted by address, entries in the host's order.
    package func jsonDocument() -> JSONOutput {
        .object(
            stores.sorted { $0.key < $1.key }.map { _, entry in
                let value: JSONOutput =
                    switch entry.state {
                    case .entries(let certificates): .array(certificates.map(Self.output))
                    case .absent: .string("absent")
                    case .denied: .null
                    }
                return (entry.store.address, value)
            })
    }

    /// One certificate as its snapshot object (the probe's answer has the same members).
    package static func output(_ entry: CertificateEntry) -> JSONOutput {
        .object([
            ("thumbprint", .string(entry.thumbprint)), ("subject", .string(entry.subject)),
            ("issuer", .string(entry.issuer)), ("dnsNames", .array(entry.dnsNames.map(JSONOutput.string))),
            ("notBefore", .string(entry.notBefore.description)), ("notAfter", .string(entry.notAfter.description)),
            ("keyAlgorithm", .string(entry.keyAlgorithm)), ("keySize", .unsigned(entry.keySize)),
            ("signatureAlgorithm", .string(entry.signatureAlgorithm)), ("hasPrivateKey", .bool(entry.hasPrivateKey)),
        ])
    }
}
