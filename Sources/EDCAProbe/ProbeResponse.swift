package import EDCACore
import EDCAJSON

/// Why a probe run gave no usable answers. Per host; never a compliance verdict.
package struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for logs and the spool.
    package enum Code: String, Sendable {
        /// Standard output holds no response framed with this run's nonce.
        case noResponse = "no-response"
        /// A framed response that is cut short, not JSON, or not shaped as the protocol says.
        case malformedResponse = "malformed-response"
        /// The bootstrap refused the probe script because its hash did not match.
        case scriptRejected = "script-rejected"
        /// The request is larger than the bootstrap can read (``ProbeRequest/payloadSizeLimit``); nothing was sent.
        case requestTooLarge = "request-too-large"
        /// powershell.exe read an empty standard input.
        case noInput = "no-input"
        /// The bootstrap or the probe refused the request (not JSON, or not shaped as the protocol says).
        case badRequest = "bad-request"
        /// PowerShell older than 3.0 (no ConvertFrom-Json).
        case powerShellTooOld = "powershell-too-old"
        /// The FIPS policy refused the script hash.
        case fips
        /// Constrained Language Mode refused something the bootstrap or the probe did.
        case constrainedLanguage = "constrained-language"
        /// No output at all, then the process ended: security software likely blocked or killed powershell.exe.
        case blocked
        /// The host's deadline passed while its answer was being read (a huge answer, or one that arrived late).
        case pastDeadline = "past-deadline"
    }

    /// The kind of failure.
    package var code: Code
    /// What happened, in one sentence, with what stderr said when that helps.
    package var message: String

    package var description: String { message }
}

/// What a probe run found on a host.
package struct ProbeResult: Sendable {
    /// The facts, in the snapshot form `evaluate` replays.
    package var snapshot: HostSnapshot
    /// The host's name, builds and role, from the same facts.
    package var identity: HostIdentity
    /// Reads the probe could not answer (`key: message`); the facts they cover are unreadable.
    package var readErrors: [String]
    /// Answers beyond those requested, which were ignored.
    package var ignoredAnswers: Int
}

/// Reads a probe's output (`docs/probe-protocol.md` §4) into registry facts. Pure.
package enum ProbeResponse {
    /// The deepest JSON nesting a response may have (a real one has 6 levels).
    static let maxDepth = 32

    /// Parses a probe run's output.
    ///
    /// Only the text between the two marker lines carrying the request's nonce counts; banners, profile output and
    /// stderr are ignored. Answers are matched to reads by position; answers beyond the reads are ignored, and an
    /// answer that does not fit its read makes that read's facts unreadable.
    /// - Parameter deadline: when the host's deadline passes; reading stops with `pastDeadline` once it has (checked
    ///   before and after the JSON is parsed, and every ``SnapshotBuilder/factsBetweenDeadlineChecks`` facts).
    /// - Throws: ``ProbeError`` when there is no framed response, or it is cut short or malformed.
    package static func parse(
        standardOutput: [UInt8], standardError: [UInt8], exitStatus: Int32?, request: ProbeRequest,
        deadline: ContinuousClock.Instant? = nil
    ) throws(ProbeError) -> ProbeResult {
        func checkDeadline(_ doing: String) throws(ProbeError) {
            guard let deadline, ContinuousClock.now >= deadline else { return }
            throw ProbeError(code: .pastDeadline, message: "the host's deadline passed while \(doing)")
        }
        try checkDeadline("finding the answer")
        let body = try framedBody(
            standardOutput, standardError: standardError, exitStatus: exitStatus, request: request)
        try checkDeadline("finding the answer")
        let document: JSONValue
        do {
            document = try JSONParser.parse(body, maxDepth: maxDepth)
        } catch {
            throw ProbeError(code: .malformedResponse, message: "the probe's response is not valid JSON: \(error)")
        }
        guard case .object(let members) = document.kind,
            let answersValue = members.first(where: { $0.name == "answers" })?.value,
            case .array(let answers) = answersValue.kind
        else {
            throw ProbeError(code: .malformedResponse, message: "the probe's response has no \"answers\" array")
        }
        let nonce = members.first { $0.name == "nonce" }?.value
        guard case .string(request.nonce)? = nonce?.kind else {
            throw ProbeError(code: .malformedResponse, message: "the probe's response carries another run's nonce")
        }
        guard answers.count >= request.reads.count else {
            throw ProbeError(
                code: .malformedResponse,
                message: "the probe answered \(answers.count) of \(request.reads.count) reads")
        }
        try checkDeadline("parsing the answer's JSON (\(body.count) bytes)")
        var builder = SnapshotBuilder(deadline: deadline)
        for (read, answer) in zip(request.reads, answers) {
            try builder.apply(answer, to: read)
        }
        return ProbeResult(
            snapshot: HostSnapshot(
                registry: builder.snapshot, services: builder.services, cim: builder.cim,
                certificates: builder.certificates, exchange: builder.exchange, xml: builder.xml,
                folders: builder.folders, acls: builder.acls, cipherSuites: builder.cipherSuites),
            identity: HostIdentity(snapshot: builder.snapshot),
            readErrors: builder.readErrors, ignoredAnswers: answers.count - request.reads.count)
    }

    /// The bytes between the begin and end markers of this run, or the reason there are none.
    private static func framedBody(
        _ output: [UInt8], standardError: [UInt8], exitStatus: Int32?, request: ProbeRequest
    ) throws(ProbeError) -> [UInt8] {
        let begin = Array("EDCA-PROBE-BEGIN \(request.nonce)".utf8)
        let end = Array("EDCA-PROBE-END \(request.nonce)".utf8)
        guard let beginRange = lineRange(of: begin, in: output, from: 0) else {
            throw ProbeRefusal.error(standardOutput: output, standardError: standardError, exitStatus: exitStatus)
        }
        guard let endRange = lineRange(of: end, in: output, from: beginRange.upperBound) else {
            throw ProbeError(code: .malformedResponse, message: "the probe's response was cut short (no end marker)")
        }
        return Array(output[beginRange.upperBound..<endRange.lowerBound])
    }

    /// The range of a whole line equal to `marker` (ending in LF or CRLF, or at the end), searching from `start`.
    private static func lineRange(of marker: [UInt8], in bytes: [UInt8], from start: Int) -> Range<Int>? {
        var index = start
        while index + marker.count <= bytes.count {
            let atLineStart = index == 0 || bytes[index - 1] == UInt8(ascii: "\n")
            if atLineStart, bytes[index..<index + marker.count].elementsEqual(marker) {
                var after = index + marker.count
                if after < bytes.count, bytes[after] == UInt8(ascii: "\r") { after += 1 }
                if after == bytes.count || bytes[after] == UInt8(ascii: "\n") {
                    return index..<min(after + 1, bytes.count)
                }
            }
            guard let next = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            index = next + 1
        }
        return nil
    }
}

/// Builds a snapshot from answers, read by read.
private struct SnapshotBuilder {
    /// How many facts (answers, and subkeys within an answer) are recorded between two looks at the clock.
    static let factsBetweenDeadlineChecks = 1024

    var snapshot = RegistrySnapshot()
    var services = ServiceSnapshot()
    var cim = CimSnapshot()
    var exchange = ExchangeSnapshot()
    var certificates = CertificateSnapshot()
    var xml = XmlSnapshot()
    var folders = FolderSnapshot()
    var acls = AclSnapshot()
    var cipherSuites = CipherSuiteSnapshot()
    var readErrors: [String] = []
    /// When the host's deadline passes, if it has one.
    let deadline: ContinuousClock.Instant?
    private var factsRecorded = 0

    init(deadline: ContinuousClock.Instant?) {
        self.deadline = deadline
    }

    /// Counts one fact and, every ``factsBetweenDeadlineChecks``, stops with `pastDeadline` once the deadline passed:
    /// one answer may list 100,000 subkeys.
    private mutating func countFact() throws(ProbeError) {
        factsRecorded += 1
        guard factsRecorded % Self.factsBetweenDeadlineChecks == 0, let deadline, ContinuousClock.now >= deadline
        else { return }
        throw ProbeError(
            code: .pastDeadline,
            message: "the host's deadline passed while reading its answers (\(factsRecorded) facts)")
    }

    /// Records one answer. A registry answer of the wrong shape makes its key unreadable; an answer of a newer kind
    /// of fact with the wrong shape is a malformed response naming the fact.
    mutating func apply(_ answer: JSONValue, to read: FactRead) throws(ProbeError) {
        try countFact()
        switch read {
        case .value(let key, let name):
            applyValue(answer, key: key, name: name)
        case .key(let key):
            switch state(of: answer) {
            case "exists": snapshot.addKey(key)
            case "keyAbsent": break
            case "denied": markDenied(answer, covering: key)
            default: unreadable(key.parent ?? key, answer)
            }
        case .subkeyValues(let key, let name):
            try applySubkeys(answer, key: key, valueName: name)
        case .subkeyNames(let key):
            try applySubkeys(answer, key: key, valueName: nil)
        case .service(let name):
            try applyService(answer, name: name.text)
        case .cim(let cimClass):
            try applyCim(answer, cimClass: cimClass)
        case .certificates(let store):
            try applyCertificates(answer, store: store)
        case .exchange(let fact):
            applyExchange(answer, fact: fact)
        case .xml(let file, let path):
            try applyXml(answer, file: file, path: path)
        case .subfolders(let folder):
            try applySubfolders(answer, folder: folder)
        case .acl(let folder):
            try applyAcl(answer, folder: folder)
        case .cipherSuites:
            try applyCipherSuites(answer)
        }
    }

    /// Applies the cipher suites' answer: `{"suites": [{"name": ..., "protocols": [771]}]}` in Windows' order, else
    /// `{"state": "absent"}` (no `Get-TlsCipherSuite`), `{"state": "denied"}` or `{"state": "error", "message": ...}`
    /// (the list is then unreadable and named in the errors).
    /// - Throws: ``ProbeError`` `malformedResponse` for any other shape, or a suite without its name or protocols.
    private mutating func applyCipherSuites(_ answer: JSONValue) throws(ProbeError) {
        let fact = "TLS cipher suites"
        guard case .object(let members) = answer.kind, let list = members.first(where: { $0.name == "suites" })?.value
        else {
            let reason = try unreadable(answer, fact: fact, expected: "suites")
            cipherSuites = CipherSuiteSnapshot(reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard let state = CipherSuiteSnapshot.decodeState(list, field: fact, problems: &problems),
            case .suites = state
        else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "not an array of suites"
            throw ProbeError(
                code: .malformedResponse, message: "the probe's answer for \(fact) is malformed: \(reason)")
        }
        cipherSuites = CipherSuiteSnapshot(state)
    }

    /// Applies an ACL answer: `{"aces": [{"identity": ..., "sid": ..., "rights": N, "type": "Allow", "inherited":
    /// true}]}`, else `{"state": "absent"}`, `{"state": "denied"}` or `{"state": "error", "message": ...}`.
    /// - Throws: ``ProbeError`` `malformedResponse` naming the folder for any other shape.
    private mutating func applyAcl(_ answer: JSONValue, folder: LocalPath) throws(ProbeError) {
        let fact = "access control list of \(folder)"
        guard case .object(let members) = answer.kind,
            let entries = members.first(where: { $0.name == "aces" })?.value
        else {
            let reason = try unreadable(answer, fact: fact, expected: "aces")
            acls.set(folder, reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard let state = AclSnapshot.decodeState(entries, field: "aces", problems: &problems), case .entries = state
        else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "expected an array of entries"
            throw ProbeError(
                code: .malformedResponse, message: "the probe's answer for \(fact) is malformed: \(reason)")
        }
        acls.set(folder, state)
    }

    /// Applies a folder listing: `{"subfolders": ["a", "b"]}`, else `{"state": "absent"}`, `{"state": "denied"}` or
    /// `{"state": "error", "message": ...}` (the folder is then unreadable and named in the read errors).
    /// - Throws: ``ProbeError`` `malformedResponse` naming the folder for any other shape.
    private mutating func applySubfolders(_ answer: JSONValue, folder: LocalPath) throws(ProbeError) {
        let fact = "subfolders of \(folder)"
        guard case .object(let members) = answer.kind,
            let names = members.first(where: { $0.name == "subfolders" })?.value
        else {
            let reason = try unreadable(answer, fact: fact, expected: "subfolders")
            folders.set(folder, reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard let state = FolderSnapshot.decodeState(names, field: "subfolders", problems: &problems),
            case .subfolders = state
        else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "expected an array of names"
            throw ProbeError(
                code: .malformedResponse, message: "the probe's answer for \(fact) is malformed: \(reason)")
        }
        folders.set(folder, state)
    }

    /// Applies an XML answer: `{"matches": [{"value": "..."}, {}]}`, one entry per element the path reached (`{}`:
    /// the element has no such attribute), else a state of `fileAbsent`, `malformed`, `denied` or `error` (the file
    /// is then unreadable and named in the read errors).
    /// - Throws: ``ProbeError`` `malformedResponse` naming the file and path for any other shape.
    private mutating func applyXml(_ answer: JSONValue, file: LocalPath, path: XmlPath) throws(ProbeError) {
        let fact = "XML \(file) \(path)"
        func malformed(_ reason: String) -> ProbeError {
            ProbeError(code: .malformedResponse, message: "the probe's answer for \(fact) is malformed: \(reason)")
        }
        guard case .object(let members) = answer.kind,
            let matches = members.first(where: { $0.name == "matches" })?.value
        else {
            switch state(of: answer) {
            case "fileAbsent": xml.set(file, .absent)
            case "malformed": xml.set(file, .malformed)
            case "denied": xml.set(file, .denied)
            case "error":
                readErrors.append("\(fact): \(messageText(answer) ?? "error")")
                xml.set(file, .denied)
            default:
                throw ProbeError(
                    code: .malformedResponse,
                    message: "the probe's answer for \(fact) has the wrong shape: expected matches, or a state of "
                        + "fileAbsent, malformed, denied or error")
            }
            return
        }
        guard case .array(let items) = matches.kind else { throw malformed("matches: expected an array") }
        var values: [String?] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item.kind, fields.allSatisfy({ $0.name == "value" }) else {
                throw malformed("matches[\(index)]: expected {\"value\": TEXT} or {}")
            }
            guard let value = fields.first?.value else {
                values.append(nil)
                continue
            }
            guard case .string(let text) = value.kind else {
                throw malformed("matches[\(index)].value: expected a string, found \(value.typeName)")
            }
            values.append(text)
        }
        switch xml.state(of: file) {
        case .absent?, .malformed?, .denied?:
            throw malformed("the file was answered as unreadable by another read and as read by this one")
        case .read?, nil:
            xml.record(values, at: path, in: file)
        }
    }

    /// Applies an Exchange answer: `{"rows": [ROW]}`, `{"error": {"class", "message"}}` (that call failed), or
    /// `{"stageError": {"class", "message"}}` (the stage ran no cmdlet). Any other shape, or a row outside the
    /// allow-list, is that key's `malformed` error: the other keys and the host's other facts stand.
    private mutating func applyExchange(_ answer: JSONValue, fact: ExchangeFact) {
        var problems: [DecodingProblem] = []
        let field = "Exchange \(fact.key)"
        if case .object(let members) = answer.kind, members.count == 1, members[0].name == "stageError" {
            if let error = ExchangeError.decode(
                members[0].value, field: field + ".stageError", allowedClasses: ExchangeError.stageClasses,
                problems: &problems)
            {
                if exchange.stageError == nil { exchange.stageError = error }
                return
            }
        } else if let state = ExchangeSnapshot.decodeState(answer, of: fact, field: field, problems: &problems) {
            exchange.set(fact, state)
            return
        }
        let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "expected rows, error or stageError"
        exchange.set(fact, .error(ExchangeError(errorClass: "malformed", message: reason)))
        readErrors.append("\(field): malformed answer: \(reason)")
    }

    /// Applies a certificate store answer: `{"certificates": [{...}]}`, else `{"state": "absent"}`, `{"state":
    /// "denied"}` or `{"state": "error", "message": ...}` (the store is then unreadable and named in the errors).
    /// - Throws: ``ProbeError`` `malformedResponse` naming the store for any other shape, a missing or unknown
    ///   field, or a date that is not ISO 8601.
    private mutating func applyCertificates(_ answer: JSONValue, store: CertificateStore) throws(ProbeError) {
        let fact = "certificate store \(store.address)"
        guard case .object(let members) = answer.kind,
            let list = members.first(where: { $0.name == "certificates" })?.value
        else {
            let reason = try unreadable(answer, fact: fact, expected: "certificates")
            certificates.set(store, reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard let state = CertificateSnapshot.decodeState(list, field: fact, problems: &problems),
            case .entries = state
        else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "not an array of certificates"
            throw ProbeError(
                code: .malformedResponse, message: "the probe's answer for \(fact) is malformed: \(reason)")
        }
        certificates.set(store, state)
    }

    /// Applies a CIM answer: `{"instances": [{PROPERTY: VALUE}]}`, else `{"state": "absent"}`, `{"state":
    /// "denied"}` or `{"state": "error", "message": ...}` (the class is then unreadable and named in the errors).
    /// - Throws: ``ProbeError`` `malformedResponse` naming the class for any other shape, or a property outside
    ///   the allow-list.
    private mutating func applyCim(_ answer: JSONValue, cimClass: CimClass) throws(ProbeError) {
        guard case .object(let members) = answer.kind,
            let instances = members.first(where: { $0.name == "instances" })?.value
        else {
            let reason = try unreadable(answer, fact: "CIM \(cimClass.address)", expected: "instances")
            cim.set(cimClass, reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard
            let state = CimSnapshot.decodeState(
                instances, of: cimClass, field: "CIM \(cimClass.address)", problems: &problems),
            case .instances = state
        else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "not an array of instances"
            throw ProbeError(
                code: .malformedResponse,
                message: "the probe's answer for CIM class \(cimClass.address) is malformed: \(reason)")
        }
        cim.set(cimClass, state)
    }

    /// Why a fact answered without its data.
    private enum Unreadable { case absent, denied }

    /// Reads an answer that carries no data: `{"state": "absent"}`, `{"state": "denied"}`, or `{"state": "error",
    /// "message": ...}`, which counts as denied and is named in the read errors as `fact`.
    /// - Throws: ``ProbeError`` `malformedResponse` naming `fact` for any other shape (`expected`: what the data
    ///   would have been).
    private mutating func unreadable(_ answer: JSONValue, fact: String, expected: String) throws(ProbeError)
        -> Unreadable
    {
        switch state(of: answer) {
        case "absent": return .absent
        case "denied": return .denied
        case "error":
            readErrors.append("\(fact): \(messageText(answer) ?? "error")")
            return .denied
        default:
            throw ProbeError(
                code: .malformedResponse,
                message: "the probe's answer for \(fact) has the wrong shape: expected \(expected), or a state of "
                    + "absent, denied or error")
        }
    }

    /// Applies a service answer: `{"state": "Running", "startMode": "Auto"}` for an installed service, else
    /// `{"state": "absent"}`, `{"state": "denied"}` or `{"state": "error", "message": ...}` (the service is then
    /// unreadable and named in the read errors).
    /// - Throws: ``ProbeError`` `malformedResponse` naming the service for any other shape.
    private mutating func applyService(_ answer: JSONValue, name: String) throws(ProbeError) {
        guard case .object(let members) = answer.kind, members.contains(where: { $0.name == "startMode" }) else {
            let reason = try unreadable(answer, fact: "service \(name)", expected: "state and startMode")
            services.set(name, reason == .absent ? .absent : .denied)
            return
        }
        var problems: [DecodingProblem] = []
        guard let state = ServiceSnapshot.decodeState(answer, field: "service \(name)", problems: &problems) else {
            let reason = problems.first.map { "\($0.field): \($0.message)" } ?? "unexpected answer"
            throw ProbeError(
                code: .malformedResponse, message: "the probe's answer for service \(name) is malformed: \(reason)")
        }
        services.set(name, state)
    }

    private func messageText(_ answer: JSONValue) -> String? {
        guard case .object(let members) = answer.kind,
            case .string(let text)? = members.first(where: { $0.name == "message" })?.value.kind
        else { return nil }
        return text
    }

    /// Applies a subkey listing: each entry names a subkey and, when a value was asked for, answers it.
    private mutating func applySubkeys(
        _ answer: JSONValue, key: RegistryPath, valueName: RegistryName?
    ) throws(ProbeError) {
        guard case .object(let members) = answer.kind,
            let list = members.first(where: { $0.name == "subkeys" })?.value
        else {
            switch state(of: answer) {
            case "keyAbsent": break
            case "denied": markDenied(answer, covering: key)
            default: unreadable(key, answer)
            }
            return
        }
        guard case .array(let entries) = list.kind else { return unreadable(key, answer) }
        snapshot.addKey(key)
        for entry in entries {
            try countFact()
            guard case .object(let fields) = entry.kind,
                case .string(let subkeyName)? = fields.first(where: { $0.name == "name" })?.value.kind,
                !subkeyName.isEmpty, !subkeyName.contains("\\")
            else {
                unreadable(key, answer)
                return
            }
            let subkey = RegistryPath(key.text + "\\" + subkeyName) ?? key
            snapshot.addKey(subkey)
            guard let valueName else { continue }
            guard let value = fields.first(where: { $0.name == "value" })?.value else {
                unreadable(key, answer)
                return
            }
            applyValue(value, key: subkey, name: valueName)
        }
    }

    private mutating func applyValue(_ answer: JSONValue, key: RegistryPath, name: RegistryName) {
        if case .object(let members) = answer.kind, let typeValue = members.first(where: { $0.name == "type" })?.value,
            case .string(let typeName) = typeValue.kind,
            let dataValue = members.first(where: { $0.name == "data" })?.value
        {
            var problems: [DecodingProblem] = []
            guard
                let data = RegistrySnapshot.decodeData(
                    typeName: typeName, typeValue, dataValue, field: "\(key) \(name)", problems: &problems)
            else {
                return unreadable(key, answer, message: problems.first?.message)
            }
            snapshot.addValue(RegistryValue(name: name.text, data: data), to: key)
            return
        }
        switch state(of: answer) {
        case "valueAbsent": snapshot.addKey(key)
        case "keyAbsent": break
        case "denied": markDenied(answer, covering: key)
        default: unreadable(key, answer)
        }
    }

    /// Marks the unreadable key the answer names, when it is the read's key or one above it; else the read's key.
    private mutating func markDenied(_ answer: JSONValue, covering key: RegistryPath) {
        if case .object(let members) = answer.kind,
            case .string(let text)? = members.first(where: { $0.name == "key" })?.value.kind,
            let named = RegistryPath(text), key.name == named.name || key.isBelow(named)
        {
            snapshot.setDenied(named)
        } else {
            snapshot.setDenied(key)
        }
    }

    /// Records a read the probe could not answer: its key becomes unreadable, so no control passes on it.
    private mutating func unreadable(_ key: RegistryPath, _ answer: JSONValue, message: String? = nil) {
        snapshot.setDenied(key)
        var reason = message ?? "unexpected answer"
        if case .object(let members) = answer.kind,
            case .string(let text)? = members.first(where: { $0.name == "message" })?.value.kind
        {
            reason = text
        }
        readErrors.append("\(key): \(reason)")
    }

    private func state(of answer: JSONValue) -> String? {
        guard case .object(let members) = answer.kind,
            case .string(let state)? = members.first(where: { $0.name == "state" })?.value.kind
        else { return nil }
        return state
    }
}

extension RegistryPath {
    /// Whether this key lies below `ancestor` (ignoring case).
    func isBelow(_ ancestor: RegistryPath) -> Bool {
        name.folded.hasPrefix(ancestor.name.folded + "\\")
    }
}
