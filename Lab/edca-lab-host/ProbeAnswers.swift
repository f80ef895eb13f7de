import EDCACore
import EDCAJSON

/// One entry of the payload's `reads` (docs/probe-protocol.md §3).
enum ProbeRead {
    /// Read value `name` (`""`: the default value) of a key.
    case value(RegistryPath, name: String)
    /// Whether a key exists.
    case key(RegistryPath)
    /// List a key's subkeys and, unless `name` is `nil`, read value `name` in each.
    case subkeys(RegistryPath, name: String?)
    /// A service's or kernel driver's state and start mode.
    case service(String)
    /// The allow-listed properties of an allow-listed CIM class's instances.
    case cim(CimClass)
    /// What an XML path reaches in a configuration file under an allow-listed root.
    case xml(LocalPath, XmlPath)
    /// The subfolders of a folder under an allow-listed root.
    case subfolders(LocalPath)
    /// A folder's access control list.
    case acl(LocalPath)
    /// An XML read whose root, relative path or XML path is malformed; the problem.
    case invalidXml(String)
    /// A CIM read naming a class outside the allow-list.
    case invalidCimClass(String)
    /// An allow-listed Exchange stage key.
    case exchange(ExchangeFact)
    /// An Exchange read naming a key outside the allow-list.
    case invalidExchangeKey(String)
    /// The certificates of an allow-listed local machine store.
    case certificates(CertificateStore)
    /// A certificate read naming a store outside the allow-list.
    case invalidCertificateStore(String)
    /// The TLS cipher suites, in Windows' order (`Get-TlsCipherSuite`).
    case cipherSuites
    /// A service read whose name is malformed; the problem.
    case invalidService(String)
    /// A read of a known shape whose key path is malformed; the problem.
    case invalidPath(String)
    /// A read of no known shape.
    case unknown

    /// Reads an entry of `reads`: an object with exactly the members `value`+`name`, `key`, `subkeys`+`name` or
    /// `subkeys`, all strings.
    init(_ entry: JSONValue) {
        guard case .object(let members) = entry.kind else {
            self = .unknown
            return
        }
        var strings: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value.kind else {
                self = .unknown
                return
            }
            strings[member.name] = text
        }
        let names = Set(strings.keys)
        if names == ["value", "name"], let key = strings["value"], let name = strings["name"] {
            self = Self.withPath(key) { .value($0, name: name) }
        } else if names == ["key"], let key = strings["key"] {
            self = Self.withPath(key) { .key($0) }
        } else if names == ["subkeys", "name"], let key = strings["subkeys"], let name = strings["name"] {
            self = Self.withPath(key) { .subkeys($0, name: name) }
        } else if names == ["subkeys"], let key = strings["subkeys"] {
            self = Self.withPath(key) { .subkeys($0, name: nil) }
        } else if names == ["cim"], let address = strings["cim"] {
            if let cimClass = CimClass.named(address), address.contains(":") {
                self = .cim(cimClass)
            } else {
                self = .invalidCimClass(address)
            }
        } else if names == ["exchange"], let key = strings["exchange"] {
            self = ExchangeFact.named(key).map(ProbeRead.exchange) ?? .invalidExchangeKey(key)
        } else if names == ["certificates"], let address = strings["certificates"] {
            if let store = CertificateStore.named(address), address.contains("\\") {
                self = .certificates(store)
            } else {
                self = .invalidCertificateStore(address)
            }
        } else if names == ["xml", "file", "path"], let root = strings["xml"], let file = strings["file"],
            let path = strings["path"]
        {
            self = Self.xmlRead(root: root, file: file, path: path)
        } else if names == ["subfolders", "folder"], let root = strings["subfolders"], let folder = strings["folder"] {
            guard let localRoot = LocalRoot(rawValue: root) else {
                self = .invalidXml("not an allow-listed root")
                return
            }
            self =
                LocalPath(root: localRoot, relativePath: folder).map(ProbeRead.subfolders)
                ?? .invalidXml("invalid folder path")
        } else if names == ["acl", "folder"], let root = strings["acl"], let folder = strings["folder"] {
            guard let localRoot = LocalRoot(rawValue: root) else {
                self = .invalidXml("not an allow-listed root")
                return
            }
            if folder.isEmpty {
                self = .acl(LocalPath(rootItself: localRoot))
            } else {
                self =
                    LocalPath(root: localRoot, relativePath: folder).map(ProbeRead.acl)
                    ?? .invalidXml("invalid folder path")
            }
        } else if names == ["cipherSuites"], strings["cipherSuites"] == "Get-TlsCipherSuite" {
            self = .cipherSuites
        } else if names == ["service"], let name = strings["service"] {
            self = ServiceSnapshot.problem(withName: name).map(ProbeRead.invalidService) ?? .service(name)
        } else {
            self = .unknown
        }
    }

    /// The XML read, or ``invalidXml(_:)`` saying what is wrong with it, as the probe script checks it.
    private static func xmlRead(root: String, file: String, path: String) -> ProbeRead {
        guard let xmlRoot = LocalRoot(rawValue: root) else { return .invalidXml("not an allow-listed root") }
        guard let xmlFile = LocalPath(root: xmlRoot, relativePath: file) else {
            return .invalidXml("invalid file path")
        }
        guard let xmlPath = XmlPath(path) else { return .invalidXml("invalid XML path") }
        return .xml(xmlFile, xmlPath)
    }

    /// The read made from a valid key path, or ``invalidPath(_:)`` saying what is wrong with it.
    private static func withPath(_ text: String, _ read: (RegistryPath) -> ProbeRead) -> ProbeRead {
        guard let path = RegistryPath(text) else {
            return .invalidPath(RegistryPath.problem(with: text) ?? "invalid key path")
        }
        return read(path)
    }
}

/// What the payload asks the probe script to do: the members the script uses, checked against the protocol.
struct ProbeRequest {
    /// The run's nonce: 32 lowercase hexadecimal digits.
    let nonce: String
    /// How long the probe may read before it answers the remaining reads with an error.
    let deadlineSeconds: Double
    /// The reads, in order.
    let reads: [ProbeRead]

    /// Reads the payload's `edcaProbe` (must be 1), `nonce`, `deadlineSeconds` and `reads`; other members are
    /// ignored, as the script would.
    ///
    /// - Throws: The probe's framed `bad-request` ``Refusal`` (exit status 3) naming the member that breaks the
    ///   protocol.
    init(payload members: [JSONMember]) throws(Refusal) {
        func member(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
        guard case .number(let version) = member("edcaProbe")?.kind, version.literal == "1" else {
            throw Refusal.framed("bad-request", #"the request's "edcaProbe" must be the number 1"#)
        }
        guard case .string(let nonce) = member("nonce")?.kind, nonce.utf8.count == 32,
            nonce.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw Refusal.framed("bad-request", #"the request's "nonce" must be 32 lowercase hexadecimal digits"#)
        }
        guard case .number(let deadline) = member("deadlineSeconds")?.kind, let seconds = Double(deadline.literal),
            seconds.isFinite, seconds >= 0
        else {
            throw Refusal.framed(
                "bad-request", #"the request's "deadlineSeconds" must be a number of seconds, 0 or more"#)
        }
        guard case .array(let entries) = member("reads")?.kind else {
            throw Refusal.framed("bad-request", #"the request's "reads" must be an array"#)
        }
        self.nonce = nonce
        self.deadlineSeconds = seconds
        self.reads = entries.map(ProbeRead.init)
    }
}

/// The probe script's answers, computed from a host snapshot as docs/probe-protocol.md §4 describes them.
enum ProbeAnswers {
    /// A value of a key.
    struct ValueName {
        let key: RegistryPath
        let name: String
    }

    /// How the probe reads values on this host, where it differs from the snapshot's data.
    struct Reading {
        /// Constrained Language Mode: the registry provider gives no value kind, so REG_EXPAND_SZ comes back as
        /// REG_SZ, REG_NONE as REG_BINARY, and a REG_DWORD longer than 4 bytes as REG_QWORD.
        var constrainedLanguage = false
        /// REG_DWORD values stored with 6 bytes: the snapshot's number, then the bytes 01 00.
        var wideDWORDs: [ValueName] = []
        /// Seconds the Exchange stage's snap-in load takes (the `exchangeLoadSeconds` fault).
        var exchangeLoadSeconds = 0.0
        /// How the Exchange calls behave in time and size.
        var exchangeCalls = ExchangeStage.Calls()

        /// Whether a value is stored with 6 bytes.
        func isWide(_ name: String, in path: RegistryPath) -> Bool {
            wideDWORDs.contains { $0.key.name == path.name && $0.name.lowercased() == name.lowercased() }
        }
    }

    /// One answer per read, in order; once `deadlineSeconds` have passed since `startedAt` (on
    /// ``HostIO/monotonicSeconds()``), the remaining reads are answered with the deadline error.
    static func answers(
        to request: ProbeRequest, from snapshot: HostSnapshot, startedAt: Double, reading: Reading = Reading()
    ) -> [ResponseJSON] {
        var host = snapshot
        var stageStarted = false
        var exchange = ExchangeStage.Session(reading.exchangeCalls)
        return request.reads.map { read in
            if HostIO.monotonicSeconds() - startedAt >= request.deadlineSeconds {
                return error("probe deadline reached")
            }
            if case .exchange = read, !stageStarted {
                // The stage loads the snap-in once, at the first Exchange read, within its own bound.
                stageStarted = true
                ExchangeStage.load(
                    &host.exchange, seconds: reading.exchangeLoadSeconds,
                    constrainedLanguage: reading.constrainedLanguage,
                    secondsLeft: request.deadlineSeconds - (HostIO.monotonicSeconds() - startedAt))
            }
            if case .exchange(let fact) = read { return exchange.answer(fact, from: host.exchange) }
            return answer(read, from: host, reading: reading)
        }
    }

    /// The answer to one read: one case per kind of read, each answered from its part of the snapshot.
    static func answer(_ read: ProbeRead, from host: HostSnapshot, reading: Reading = Reading()) -> ResponseJSON {
        let snapshot = host.registry
        switch read {
        case .value(let path, let name):
            return valueAnswer(name, in: path, from: snapshot, reading: reading)
        case .key(let path):
            switch snapshot.existence(of: path) {
            case .exists: return state("exists")
            case .absent: return state("keyAbsent")
            case .unknown: return denied(path, from: snapshot)
            }
        case .subkeys(let path, let name):
            switch snapshot.subkeys(of: path) {
            case .keys(let subkeys):
                let listed = subkeys.map { subkey in
                    guard let name else { return ResponseJSON.members(["name": .string(subkey.leafName)]) }
                    return ResponseJSON.members([
                        "name": .string(subkey.leafName),
                        "value": valueAnswer(name, in: subkey, from: snapshot, reading: reading),
                    ])
                }
                return .members(["subkeys": .array(listed)])
            case .denied: return denied(path, from: snapshot)
            case .absent: return state("keyAbsent")
            }
        case .service(let name):
            switch host.services.state(of: name) {
            case .present(let facts):
                return .members(["state": .string(facts.state), "startMode": .string(facts.startMode)])
            case .absent: return state("absent")
            case .denied: return state("denied")
            }
        case .cim(let cimClass):
            switch host.cim.state(of: cimClass) {
            case .instances(let instances):
                return .members(["instances": .array(instances.map(cimInstance))])
            case .absent, nil: return state("absent")
            case .denied: return state("denied")
            }
        case .xml(let file, let path):
            switch host.xml.values(at: path, in: file) {
            case .read(let paths):
                let entries = (paths[path] ?? []).map { value in
                    value.map { ResponseJSON.members(["value": .string($0)]) } ?? .object([])
                }
                return .members(["matches": .array(entries)])
            case .absent, nil: return state("fileAbsent")
            case .malformed:
                return .members(["state": .string("malformed"), "message": .string("not well-formed XML")])
            case .denied: return state("denied")
            }
        case .subfolders(let folder):
            switch host.folders.state(of: folder) {
            case .subfolders(let names): return .members(["subfolders": .array(names.map(ResponseJSON.string))])
            case .absent, nil: return state("absent")
            case .denied: return state("denied")
            }
        case .acl(let folder):
            switch host.acls.state(of: folder) {
            case .entries(let entries):
                return .members([
                    "aces": .array(
                        entries.map { entry in
                            var members: [ResponseJSONMember] = [
                                ResponseJSONMember("identity", .string(entry.identity)),
                                ResponseJSONMember("rights", .integer(UInt64(entry.rights))),
                                ResponseJSONMember("type", .string(entry.allows ? "Allow" : "Deny")),
                                ResponseJSONMember("inherited", .bool(entry.inherited)),
                            ]
                            if let sid = entry.sid { members.append(ResponseJSONMember("sid", .string(sid))) }
                            return .object(members)
                        })
                ])
            case .absent, nil: return state("absent")
            case .denied: return state("denied")
            }
        case .invalidXml(let problem):
            return error(problem)
        case .invalidCimClass(let address):
            return error("not an allow-listed CIM class: \(address)")
        case .exchange(let fact):
            return ExchangeStage.answer(fact, from: host.exchange)
        case .invalidExchangeKey:
            return error("not an allow-listed Exchange stage key")
        case .certificates(let store):
            switch host.certificates.state(of: store) {
            case .entries(let entries):
                return .members(["certificates": .array(entries.map(certificate))])
            case .absent, nil: return state("absent")
            case .denied: return state("denied")
            }
        case .invalidCertificateStore(let address):
            return error("not an allow-listed certificate store: \(address)")
        case .cipherSuites:
            switch host.cipherSuites.state {
            case .suites(let suites)?:
                return .members([
                    "suites": .array(
                        suites.map { suite in
                            .object([
                                ResponseJSONMember("name", .string(suite.name)),
                                ResponseJSONMember(
                                    "protocols", .array(suite.protocols.map { .integer(UInt64($0)) })),
                            ])
                        })
                ])
            case .absent?, nil: return state("absent")
            case .denied?: return state("denied")
            }
        case .invalidPath(let problem):
            return error("invalid key path: \(problem)")
        case .invalidService(let problem):
            return error("invalid service name: \(problem)")
        case .unknown:
            return error("unknown read")
        }
    }

    /// The answer to reading one value of a key.
    private static func valueAnswer(
        _ name: String, in path: RegistryPath, from snapshot: RegistrySnapshot, reading: Reading
    ) -> ResponseJSON {
        switch snapshot.value(RegistryName(name), in: path) {
        case .present(let value):
            guard case .dword(let number) = value.data, reading.isWide(name, in: path) else {
                return typedData(value.data, constrainedLanguage: reading.constrainedLanguage)
            }
            // .NET reads a REG_DWORD longer than 4 bytes as a 64-bit number.
            if reading.constrainedLanguage {
                return typedData(.qword(UInt64(number) + (1 << 32)), constrainedLanguage: true)
            }
            return error("REG_DWORD data is longer than 4 bytes")
        case .valueAbsent: return state("valueAbsent")
        case .keyAbsent: return state("keyAbsent")
        case .denied: return denied(path, from: snapshot)
        }
    }

    /// One certificate as the probe's reader writes it: dates in ISO 8601 UTC, the key size in bits.
    private static func certificate(_ entry: CertificateEntry) -> ResponseJSON {
        .object([
            ResponseJSONMember("thumbprint", .string(entry.thumbprint)),
            ResponseJSONMember("subject", .string(entry.subject)),
            ResponseJSONMember("issuer", .string(entry.issuer)),
            ResponseJSONMember("dnsNames", .array(entry.dnsNames.map(ResponseJSON.string))),
            ResponseJSONMember("notBefore", .string(entry.notBefore.description)),
            ResponseJSONMember("notAfter", .string(entry.notAfter.description)),
            ResponseJSONMember("keyAlgorithm", .string(entry.keyAlgorithm)),
            ResponseJSONMember("keySize", .integer(entry.keySize)),
            ResponseJSONMember("signatureAlgorithm", .string(entry.signatureAlgorithm)),
            ResponseJSONMember("hasPrivateKey", .bool(entry.hasPrivateKey)),
        ])
    }

    /// One CIM instance as `Get-CimInstance` piped to `ConvertTo-Json` shows it: numbers, strings, arrays.
    private static func cimInstance(_ instance: CimInstance) -> ResponseJSON {
        .object(
            instance.sorted { $0.key < $1.key }.map { name, data in
                let value: ResponseJSON =
                    switch data {
                    case .dword(let number): .integer(UInt64(number))
                    case .qword(let number): .integer(number)
                    case .string(let text), .expandString(let text): .string(text)
                    case .multiString(let texts): .array(texts.map(ResponseJSON.string))
                    case .binary, .none: .null
                    }
                return ResponseJSONMember(name, value)
            })
    }

    /// `{"type": ..., "data": ...}`: QWORD data as a decimal string, binary as lowercase hex, REG_NONE as null;
    /// in Constrained Language, REG_EXPAND_SZ as REG_SZ and REG_NONE as empty REG_BINARY.
    private static func typedData(_ data: RegistryData, constrainedLanguage: Bool) -> ResponseJSON {
        var data = data
        if constrainedLanguage {
            if case .expandString(let text) = data { data = .string(text) }
            if case .none = data { data = .binary([]) }
        }
        let json: ResponseJSON
        switch data {
        case .dword(let number): json = .integer(UInt64(number))
        case .qword(let number): json = .string(String(number))
        case .string(let text), .expandString(let text): json = .string(text)
        case .multiString(let texts): json = .array(texts.map(ResponseJSON.string))
        case .binary(let bytes): json = .string(lowercaseHex(bytes))
        case .none: json = .null
        }
        return .members(["type": .string(data.typeName), "data": json])
    }

    /// `{"state": "denied", "key": K}`, K the unreadable key that hides `path` (itself or the nearest above).
    private static func denied(_ path: RegistryPath, from snapshot: RegistrySnapshot) -> ResponseJSON {
        let key = snapshot.unreadableKey(hiding: path) ?? path
        return .members(["state": .string("denied"), "key": .string(key.text)])
    }

    /// `{"state": name}`.
    private static func state(_ name: String) -> ResponseJSON {
        .members(["state": .string(name)])
    }

    /// `{"state": "error", "message": message}`.
    private static func error(_ message: String) -> ResponseJSON {
        .members(["state": .string("error"), "message": .string(message)])
    }

    /// Bytes as lowercase hexadecimal, two digits per byte.
    private static func lowercaseHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
