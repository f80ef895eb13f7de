package import EDCAJSON

/// One TLS cipher suite that Windows offers, as `Get-TlsCipherSuite` reports it.
package struct CipherSuite: Sendable, Hashable {
    /// The suite's name, such as `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`.
    package var name: String
    /// The protocol versions the suite serves, as Windows numbers them: 768 SSL 3.0, 769 TLS 1.0, 770 TLS 1.1,
    /// 771 TLS 1.2, 772 TLS 1.3.
    package var protocols: [UInt32]

    /// Creates a suite.
    package init(name: String, protocols: [UInt32]) {
        self.name = name
        self.protocols = protocols
    }

    /// The protocol versions a check may select suites by, with the number Windows gives each.
    package static let protocolNames: [(name: String, number: UInt32)] = [
        ("SSL 3.0", 768), ("TLS 1.0", 769), ("TLS 1.1", 770), ("TLS 1.2", 771), ("TLS 1.3", 772),
    ]

    /// The protocol's name, or its number as text when it has none here.
    package static func protocolName(_ number: UInt32) -> String {
        protocolNames.first { $0.number == number }?.name ?? String(number)
    }
}

/// What a host says about its cipher suites.
package enum CipherSuiteState: Sendable, Hashable {
    /// The enabled suites, in the order Windows prefers them (possibly none).
    case suites([CipherSuite])
    /// `Get-TlsCipherSuite` does not exist on this host (Windows before Server 2016).
    case absent
    /// The list cannot be read by the probe's account.
    case denied
}

/// The TLS cipher suites read on a host (snapshot member `cipherSuites`); nil state: not read.
package struct CipherSuiteSnapshot: Sendable {
    /// What the host said, or nil when the suites were not read.
    package var state: CipherSuiteState?

    /// Creates a snapshot, empty unless a state is given.
    package init(_ state: CipherSuiteState? = nil) {
        self.state = state
    }

    /// Whether the suites were not read.
    package var isEmpty: Bool { state == nil }

    /// Decodes the `cipherSuites` member of a snapshot: an array of `{"name": TEXT, "protocols": [NUMBER]}` in
    /// Windows' order, `"absent"` when the cmdlet does not exist, `null` when the list cannot be read.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed suite.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        let state = Self.decodeState(document, field: "cipherSuites", problems: &problems)
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self.init(state)
    }

    /// Decodes the list (or `"absent"`, or `null`), reporting every problem; nil when there was one.
    package static func decodeState(_ value: JSONValue, field: String, problems: inout [DecodingProblem])
        -> CipherSuiteState?
    {
        let decoded = ListedFact.decode(
            value, field: field,
            expected: "an array of {\"name\", \"protocols\"} suites, \"absent\", or null when unreadable",
            problems: &problems, items: ListedFact.eachItem(field: field) { decodeSuite($0, path: $1, problems: &$2) })
        return switch decoded {
        case .entries(let suites): .suites(suites)
        case .absent: .absent
        case .denied: .denied
        case nil: nil
        }
    }

    /// One `{"name", "protocols"}` suite, or nil (with its problems).
    private static func decodeSuite(_ item: JSONValue, path: String, problems: inout [DecodingProblem])
        -> CipherSuite?
    {
        guard var reader = JSONObjectReader(item, path: path, problems: &problems) else { return nil }
        let name = reader.require("name", problems: &problems).flatMap {
            JSONRead.nonEmptyString($0, reader.path(of: "name"), &problems)
        }
        var protocols: [UInt32] = []
        if let list = reader.require("protocols", problems: &problems),
            let numbers = JSONRead.array(list, reader.path(of: "protocols"), &problems)
        {
            for (position, number) in numbers.enumerated() {
                let numberPath = "\(reader.path(of: "protocols"))[\(position)]"
                guard let integer = JSONRead.integer(number, numberPath, &problems) else { continue }
                guard let version = UInt32(exactly: integer) else {
                    problems.append(
                        DecodingProblem(
                            position: number.position, field: numberPath,
                            message: "expected a protocol number such as 771, found \(integer)"))
                    continue
                }
                protocols.append(version)
            }
        }
        reader.reportUnknownFields(knownNames: ["name", "protocols"], problems: &problems)
        return name.map { CipherSuite(name: $0, protocols: protocols) }
    }

    /// The snapshot as the `cipherSuites` member, the suites in Windows' order.
    package func jsonDocument() -> JSONOutput {
        switch state {
        case .suites(let suites)?:
            .array(
                suites.map { suite in
                    .object([
                        ("name", .string(suite.name)),
                        ("protocols", .array(suite.protocols.map { .unsigned(UInt64($0)) })),
                    ])
                })
        case .absent?: .string("absent")
        case .denied?, nil: .null
        }
    }
}
