import EDCACore
import EDCAJSON

/// The ways a lab host can misbehave, each switched on by one member of the host's `faults` object.
///
/// All are off by default. ``LabHost`` describes what each one does and when.
struct Faults {
    /// Milliseconds the probe spends before its first read, counted against `deadlineSeconds`.
    var latencyMilliseconds = 0
    /// Text written to stdout before anything else, as a login message would be.
    var banner: String?
    /// Text the outer PowerShell's profile prints to stdout (DefaultShell powershell only).
    var profileOutput: String?
    /// Whether PowerShell writes a CLIXML progress and error block to stderr.
    var clixml = false
    /// The exit status after a valid answer.
    var exitStatus: Int32 = 0
    /// Whether the probe never answers: it waits, after reading stdin, until the session ends.
    var hang = false
    /// Whether the probe writes the BEGIN marker and half the JSON, then waits until the session ends.
    var hangAfterPartialOutput = false
    /// Whether the probe writes the BEGIN marker and half the JSON, waits ``disconnectDelayMilliseconds``, then
    /// kills the sshd session process.
    var disconnectMidOutput = false
    /// Whether random bytes that are not JSON stand between correct markers instead of the answer.
    var garbage = false
    /// Whether a REG_SZ or REG_EXPAND_SZ answer's data holds bytes that are not UTF-8.
    var nonUTF8 = false
    /// How many filler bytes go to stdout before the answer.
    var hugeOutputBytes = 0
    /// Whether the markers carry a different nonce than the payload's.
    var wrongNonce = false
    /// How many answers the agent did not ask for are appended to the answers, each a ``forgedAnswer``.
    var extraAnswers = 0
    /// When positive, the JSON between the markers is an array nested this deep instead of the answer.
    var deepJSON = 0
    /// Keys made unreadable in addition to the snapshot's `null` keys.
    var deniedKeys: [RegistryPath] = []
    /// The host's PowerShell: FIPS policy, Constrained Language Mode, version.
    var windows = WindowsHost()
    /// Whether powershell.exe reads an empty standard input, as if the server dropped it.
    var emptyStandardInput = false
    /// Whether powershell.exe reads only the first half of standard input, as if the server cut it.
    var truncatedStandardInput = false
    /// Whether security software kills powershell.exe before it writes anything.
    var blocked = false
    /// REG_DWORD values stored with 6 bytes of data (the snapshot's number, then 01 00), as `key` and `name`.
    var wideDWORDs: [ProbeAnswers.ValueName] = []
    /// CIM classes made unreadable (access denied), as `null` classes in the snapshot.
    var deniedCimClasses: [CimClass] = []
    /// Services made unreadable (access denied), as `null` services in the snapshot.
    var deniedServices: [String] = []
    /// The Exchange stage's faults: snap-in absent or failing to load, no network credential, a slow load, calls
    /// denied by RBAC.
    var exchange = ExchangeStage.Faults()
    /// Certificate stores that cannot be opened (access denied), as `null` stores in the snapshot.
    var deniedCertificateStores: [CertificateStore] = []
    /// XML configuration files made unreadable (access denied), as `null` files in the snapshot.
    var deniedFiles: [LocalPath] = []
    /// XML configuration files removed, as `"absent"` files in the snapshot.
    var absentFiles: [LocalPath] = []
    /// The probe's account is not an administrator to Defender: each exclusion list of `MSFT_MpPreference` reads
    /// as Defender's placeholder sentence, as Get-MpPreference shows it to a standard account.
    var maskedDefenderExclusions = false
    /// The TLS cipher suites cannot be read (access denied), as a `null` `cipherSuites` in the snapshot.
    var deniedCipherSuites = false

    /// What Defender shows a non-administrator instead of an exclusion list.
    static let defenderPlaceholder = "N/A: Must be an administrator to view exclusions"

    /// How long `disconnectMidOutput` waits between writing the partial answer and killing the session process,
    /// so that sshd has forwarded what was written.
    static let disconnectDelayMilliseconds = 300

    /// The fault names a lab file may use.
    static let names =
        [
            "latencyMs", "banner", "profileOutput", "clixml", "exitStatus", "hang", "hangAfterPartialOutput",
            "disconnectMidOutput", "garbage", "nonUTF8", "hugeOutputBytes", "wrongNonce", "extraAnswers", "deepJSON",
            "deniedKeys", "fips", "constrainedLanguage", "powerShellVersion", "emptyStandardInput",
            "truncatedStandardInput", "blocked", "wideDWORDs", "deniedCimClasses", "deniedServices",
            "deniedCertificateStores", "deniedFiles", "absentFiles", "maskedDefenderExclusions",
            "deniedCipherSuites",
        ] + ExchangeStage.Faults.names

    /// No fault.
    init() {}

    /// Reads a host's `faults` object.
    ///
    /// - Throws: A lab ``Refusal`` for an unknown fault, a value of the wrong type or range, `profileOutput` under
    ///   DefaultShell cmd, or faults that cannot act together (one would silently disable the other).
    init(_ members: [JSONMember], shell: DefaultShell, _ context: String) throws(Refusal) {
        for member in members {
            let field = "\(context).\(member.name)"
            let value = member.value
            switch member.name {
            case "latencyMs": latencyMilliseconds = try LabJSON.integer(value, in: 0...86_400_000, field)
            case "banner": banner = try LabJSON.string(value, field)
            case "profileOutput": profileOutput = try LabJSON.string(value, field)
            case "clixml": clixml = try LabJSON.bool(value, field)
            case "exitStatus": exitStatus = Int32(try LabJSON.integer(value, in: 0...255, field))
            case "hang": hang = try LabJSON.bool(value, field)
            case "hangAfterPartialOutput": hangAfterPartialOutput = try LabJSON.bool(value, field)
            case "disconnectMidOutput": disconnectMidOutput = try LabJSON.bool(value, field)
            case "garbage": garbage = try LabJSON.bool(value, field)
            case "nonUTF8": nonUTF8 = try LabJSON.bool(value, field)
            case "hugeOutputBytes": hugeOutputBytes = try LabJSON.integer(value, in: 0...(1 << 32), field)
            case "wrongNonce": wrongNonce = try LabJSON.bool(value, field)
            case "extraAnswers":
                if case .bool(let flag) = value.kind {
                    extraAnswers = flag ? 1 : 0
                } else {
                    extraAnswers = try LabJSON.integer(value, in: 0...1_000_000, field)
                }
            case "deepJSON": deepJSON = try LabJSON.integer(value, in: 0...100_000_000, field)
            case "deniedKeys": deniedKeys = try Self.keyPaths(value, field)
            case "fips": windows.fips = try LabJSON.bool(value, field)
            case "constrainedLanguage": windows.constrainedLanguage = try LabJSON.bool(value, field)
            case "powerShellVersion": windows.powerShellVersion = try LabJSON.integer(value, in: 1...5, field)
            case "emptyStandardInput": emptyStandardInput = try LabJSON.bool(value, field)
            case "truncatedStandardInput": truncatedStandardInput = try LabJSON.bool(value, field)
            case "blocked": blocked = try LabJSON.bool(value, field)
            case "wideDWORDs": wideDWORDs = try Self.valueNames(value, field)
            case "deniedCimClasses":
                deniedCimClasses = try Self.strings(value, field).map { (text) throws(Refusal) -> CimClass in
                    guard let cimClass = CimClass.named(text) else {
                        throw Refusal.lab("\(field): not an allow-listed CIM class: \(text)")
                    }
                    return cimClass
                }
            case "deniedServices": deniedServices = try Self.strings(value, field)
            case let name where ExchangeStage.Faults.names.contains(name):
                try exchange.read(name, value, field)
            case "deniedCertificateStores":
                deniedCertificateStores = try Self.strings(value, field).map {
                    (text) throws(Refusal) -> CertificateStore in
                    guard let store = CertificateStore.named(text) else {
                        throw Refusal.lab("\(field): not an allow-listed certificate store: \(text)")
                    }
                    return store
                }
            case "deniedFiles": deniedFiles = try Self.xmlFiles(value, field)
            case "absentFiles": absentFiles = try Self.xmlFiles(value, field)
            case "maskedDefenderExclusions": maskedDefenderExclusions = try LabJSON.bool(value, field)
            case "deniedCipherSuites": deniedCipherSuites = try LabJSON.bool(value, field)
            default:
                throw Refusal.lab(
                    "\(context): unknown fault \"\(member.name)\" (known: \(Self.names.joined(separator: ", ")))")
            }
        }
        try checkCombination(shell: shell, context)
    }

    /// Refuses combinations where one fault would silently disable another.
    private func checkCombination(shell: DefaultShell, _ context: String) throws(Refusal) {
        if profileOutput != nil && shell != .powershell {
            throw Refusal.lab("\(context).profileOutput: only a PowerShell DefaultShell runs a profile (shell is cmd)")
        }
        let endings = [hang, hangAfterPartialOutput, disconnectMidOutput].filter { $0 }.count
        if endings > 1 {
            throw Refusal.lab("\(context): choose one of hang, hangAfterPartialOutput, disconnectMidOutput")
        }
        if emptyStandardInput && truncatedStandardInput {
            throw Refusal.lab("\(context): choose one of emptyStandardInput, truncatedStandardInput")
        }
        let replacements = (garbage ? 1 : 0) + (deepJSON > 0 ? 1 : 0)
        if replacements > 1 { throw Refusal.lab("\(context): choose one of garbage, deepJSON") }
        if replacements == 1 && (nonUTF8 || extraAnswers > 0) {
            throw Refusal.lab(
                "\(context): garbage and deepJSON replace the answer, so nonUTF8 and extraAnswers cannot act")
        }
    }

    /// Reads an array of strings.
    static func strings(_ value: JSONValue, _ context: String) throws(Refusal) -> [String] {
        guard case .array(let items) = value.kind else {
            throw Refusal.lab("\(context): expected an array of strings, found \(value.typeName)")
        }
        var texts: [String] = []
        for (index, item) in items.enumerated() { texts.append(try LabJSON.string(item, "\(context)[\(index)]")) }
        return texts
    }

    /// Reads `deniedFiles` or `absentFiles`: an array of XML file addresses `ROOT\\relative\\path`.
    private static func xmlFiles(_ value: JSONValue, _ context: String) throws(Refusal) -> [LocalPath] {
        try strings(value, context).map { (text) throws(Refusal) -> LocalPath in
            guard let file = LocalPath(address: text) else {
                throw Refusal.lab("\(context): not a file address such as ExchangeInstall\\Bin\\x.config: \(text)")
            }
            return file
        }
    }

    /// Reads `deniedKeys`: an array of registry key paths.
    private static func keyPaths(_ value: JSONValue, _ context: String) throws(Refusal) -> [RegistryPath] {
        guard case .array(let items) = value.kind else {
            throw Refusal.lab("\(context): expected an array of key paths, found \(value.typeName)")
        }
        var paths: [RegistryPath] = []
        for (index, item) in items.enumerated() {
            let text = try LabJSON.string(item, "\(context)[\(index)]")
            guard let path = RegistryPath(text) else {
                throw Refusal.lab("\(context)[\(index)]: \(RegistryPath.problem(with: text) ?? "not a key path")")
            }
            paths.append(path)
        }
        return paths
    }

    /// Reads `wideDWORDs`: an array of `{"key": KEY, "name": NAME}`.
    private static func valueNames(_ value: JSONValue, _ context: String) throws(Refusal) -> [ProbeAnswers.ValueName] {
        guard case .array(let items) = value.kind else {
            throw Refusal.lab("\(context): expected an array of {\"key\": ..., \"name\": ...}, found \(value.typeName)")
        }
        var names: [ProbeAnswers.ValueName] = []
        for (index, item) in items.enumerated() {
            let itemContext = "\(context)[\(index)]"
            let members = try LabJSON.members(of: item, itemContext)
            try LabJSON.allowOnly(["key", "name"], in: members, itemContext)
            guard let keyValue = members.first(where: { $0.name == "key" })?.value,
                let nameValue = members.first(where: { $0.name == "name" })?.value
            else { throw Refusal.lab("\(itemContext): needs \"key\" and \"name\"") }
            let text = try LabJSON.string(keyValue, "\(itemContext).key")
            guard let key = RegistryPath(text) else {
                throw Refusal.lab("\(itemContext).key: \(RegistryPath.problem(with: text) ?? "not a key path")")
            }
            names.append(ProbeAnswers.ValueName(key: key, name: try LabJSON.string(nameValue, "\(itemContext).name")))
        }
        return names
    }

    // MARK: What the faults do to the input and the output

    /// Standard input as powershell.exe reads it: emptied or cut in half when a fault says so.
    func standardInput(_ bytes: [UInt8]) -> [UInt8] {
        if emptyStandardInput { return [] }
        if truncatedStandardInput { return Array(bytes.prefix(bytes.count / 2)) }
        return bytes
    }

    /// The CLIXML PowerShell writes to a redirected stderr: a progress record, then an error line.
    static let clixmlBlock =
        "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"
        + "<Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T>"
        + "<T>System.Object</T></TN><MS><I64 N=\"SourceId\">1</I64><PR N=\"Record\"><AV>Preparing modules for "
        + "first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS>"
        + "</Obj><S S=\"Error\">Something failed_x000D__x000A_</S></Objs>"

    /// What `extraAnswers` appends: an answer that claims a value of a key nobody asked for, marked so that a test
    /// can prove it never reaches a verdict, a report or the spool.
    static var forgedAnswer: ResponseJSON {
        .members([
            "key": .string(#"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#),
            "name": .string("RequireSecuritySignature"), "type": .string("REG_SZ"), "data": .string(forgedMarker),
        ])
    }

    /// The text every forged answer carries.
    static let forgedMarker = "forged-by-edca-lab-host"

    /// The bytes `nonUTF8` puts in a string: `é` in Windows-1252, then a byte no UTF-8 text contains.
    static let invalidUTF8 = [UInt8(0xE9), 0xFF]

    /// The text between the markers, and a note for stderr when a fault found nothing to act on.
    ///
    /// Normally `{"edcaProbe":1,"nonce":...,"answers":[...]}`; `garbage` and `deepJSON` replace it, `extraAnswers`
    /// and `nonUTF8` alter its answers.
    func responseBody(nonce: String, answers: [ResponseJSON]) -> (body: [UInt8], note: String?) {
        if garbage { return (Self.garbageBytes(), nil) }
        if deepJSON > 0 {
            let opening = [UInt8](repeating: UInt8(ascii: "["), count: deepJSON)
            let closing = [UInt8](repeating: UInt8(ascii: "]"), count: deepJSON)
            return (opening + closing, nil)
        }
        var answers = answers
        answers += repeatElement(Self.forgedAnswer, count: extraAnswers)
        var note: String?
        if nonUTF8 {
            if let corrupted = Self.corruptingFirstString(in: .array(answers)), case .array(let items) = corrupted {
                answers = items
            } else {
                note = "edca-lab-host: nonUTF8: no REG_SZ or REG_EXPAND_SZ answer to put invalid UTF-8 in"
            }
        }
        let document = ResponseJSON.members([
            "edcaProbe": .integer(1), "nonce": .string(nonce), "answers": .array(answers),
        ])
        return (document.bytes, note)
    }

    /// The nonce the markers carry: the payload's, or with `wrongNonce` each hex digit moved on by one.
    func markerNonce(for nonce: String) -> String {
        guard wrongNonce else { return nonce }
        let digits = Array("0123456789abcdef")
        return String(nonce.map { digit in digits.firstIndex(of: digit).map { digits[($0 + 1) % 16] } ?? digit })
    }

    /// Writes `hugeOutputBytes` bytes of filler lines (CRLF-terminated) to stdout.
    func writeFiller() throws(Refusal) {
        guard hugeOutputBytes > 0 else { return }
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 78) + [0x0D, 0x0A]
        let chunk = [UInt8](Array(repeating: line, count: 819).joined())
        var remaining = hugeOutputBytes
        while remaining > 0 {
            let count = min(remaining, chunk.count)
            try HostIO.writeAll(Array(chunk[0..<count]), to: HostIO.standardOutput)
            remaining -= count
        }
    }

    /// 512 random bytes with no line break, starting with 0xFF so they can never be JSON.
    private static func garbageBytes() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = [0xFF]
        while bytes.count < 512 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte != 0x0A && byte != 0x0D { bytes.append(byte) }
        }
        return bytes
    }

    /// The value with the first REG_SZ or REG_EXPAND_SZ answer's data followed by ``invalidUTF8``; nil when there
    /// is none.
    private static func corruptingFirstString(in value: ResponseJSON) -> ResponseJSON? {
        switch value {
        case .object(var members):
            if members.count == 2, members[0].name == "type", case .string(let type) = members[0].value,
                type == "REG_SZ" || type == "REG_EXPAND_SZ", case .string(let text) = members[1].value
            {
                members[1].value = .rawString(Array(text.utf8) + invalidUTF8)
                return .object(members)
            }
            for index in members.indices {
                if let changed = corruptingFirstString(in: members[index].value) {
                    members[index].value = changed
                    return .object(members)
                }
            }
            return nil
        case .array(var items):
            for index in items.indices {
                if let changed = corruptingFirstString(in: items[index]) {
                    items[index] = changed
                    return .array(items)
                }
            }
            return nil
        case .null, .integer, .bool, .string, .rawString:
            return nil
        }
    }
}

/// How a simulated Windows host's PowerShell behaves.
struct WindowsHost {
    /// Whether the "use FIPS compliant algorithms" policy is on: .NET's managed SHA-256 throws.
    var fips = false
    /// Whether PowerShell runs in Constrained Language Mode (AppLocker or WDAC enforced).
    var constrainedLanguage = false
    /// The major version of powershell.exe.
    var powerShellVersion = 5
}
