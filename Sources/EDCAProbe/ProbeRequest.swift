package import EDCACore
import EDCAJSON

/// What one probe run asks a host: the registry reads, in order, with the run's nonce and time budget.
package struct ProbeRequest: Sendable {
    /// The largest payload sent; Windows PowerShell's `ConvertFrom-Json` refuses input above 2 MiB.
    package static let payloadSizeLimit = 1 << 20

    /// The reads, in the order the answers come back: the controls' merged request, then what describes the host.
    package let reads: [FactRead]
    /// A fresh random value for this run; it frames the response.
    package let nonce: String
    /// How long the probe may run on the server before it stops reading.
    package let deadlineSeconds: Int
    /// The payload's bytes before and after the nonce's text, rendered once for a request made with an empty nonce
    /// (the one a scan keeps) and shared by every ``withNonce(_:)`` copy: rendering the payload, which carries the
    /// whole probe script, for every host cost about 1% of a scan's CPU.
    private let payloadAroundNonce: (head: [UInt8], tail: [UInt8])?

    /// Creates a request for the controls' reads plus ``HostIdentity/reads``.
    /// - Parameters:
    ///   - request: the merged reads of the controls to evaluate.
    ///   - nonce: 32 lowercase hexadecimal digits, new for each run (see ``makeNonce(using:)``).
    ///   - deadlineSeconds: the probe's own time budget on the server.
    package init(request: FactRequest, nonce: String, deadlineSeconds: Int) {
        var merged = request
        for read in HostIdentity.reads { merged.add(read) }
        self.reads = merged.reads
        self.nonce = nonce
        self.deadlineSeconds = deadlineSeconds
        payloadAroundNonce = nonce.isEmpty ? Self.splitAtNonce(Self.render(merged.reads, "", deadlineSeconds)) : nil
    }

    /// The same request with another nonce: a scan builds the request once and gives each host its own nonce,
    /// rather than merging and sorting the reads again for every host.
    package func withNonce(_ nonce: String) -> ProbeRequest {
        ProbeRequest(
            reads: reads, nonce: nonce, deadlineSeconds: deadlineSeconds, payloadAroundNonce: payloadAroundNonce)
    }

    private init(
        reads: [FactRead], nonce: String, deadlineSeconds: Int, payloadAroundNonce: (head: [UInt8], tail: [UInt8])?
    ) {
        self.reads = reads
        self.nonce = nonce
        self.deadlineSeconds = deadlineSeconds
        self.payloadAroundNonce = payloadAroundNonce
    }

    /// A fresh nonce: 128 random bits as 32 lowercase hexadecimal digits.
    package static func makeNonce(using generator: inout some RandomNumberGenerator) -> String {
        var nonce = ""
        for _ in 0..<4 { nonce += hexWord(UInt32.random(in: .min ... .max, using: &generator)) }
        return nonce
    }

    /// A fresh nonce from the system's random source, as ``makeNonce(using:)`` makes it. Scans use this one: passing
    /// `SystemRandomNumberGenerator` (which has no storage) `inout` makes ThreadSanitizer fault on its address.
    package static func makeNonce() -> String {
        // Two 64-bit draws: each draw from the system's source is a system call.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next()
        let low = generator.next()
        return hexWord(UInt32(truncatingIfNeeded: high >> 32)) + hexWord(UInt32(truncatingIfNeeded: high))
            + hexWord(UInt32(truncatingIfNeeded: low >> 32)) + hexWord(UInt32(truncatingIfNeeded: low))
    }

    private static func hexWord(_ word: UInt32) -> String {
        let text = String(word, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }

    /// The payload, refused when it is over ``payloadSizeLimit``.
    /// - Throws: ``ProbeError`` with code `requestTooLarge`; nothing should be sent then.
    package func checkedPayload() throws(ProbeError) -> [UInt8] {
        let payload = payload()
        guard payload.count <= Self.payloadSizeLimit else {
            throw ProbeError(
                code: .requestTooLarge,
                message: "the probe request is \(payload.count) bytes, over the \(Self.payloadSizeLimit) that "
                    + "Windows PowerShell's ConvertFrom-Json reads; select fewer controls")
        }
        return payload
    }

    /// The payload written to the probe's standard input: one JSON object in ASCII (`docs/probe-protocol.md` §3).
    package func payload() -> [UInt8] {
        // A nonce that JSON and ASCIIJSON leave as it is (the hex digits of makeNonce) goes between the parts.
        if let parts = payloadAroundNonce,
            nonce.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return parts.head + Array(nonce.utf8) + parts.tail
        }
        return Self.render(reads, nonce, deadlineSeconds)
    }

    /// The payload's bytes before and after the nonce of a payload rendered with an empty nonce.
    private static func splitAtNonce(_ payload: [UInt8]) -> (head: [UInt8], tail: [UInt8])? {
        let member = Array(#""nonce":""#.utf8)
        guard payload.count >= member.count else { return nil }
        for start in 0...(payload.count - member.count)
        where payload[start..<start + member.count].elementsEqual(member) {
            let end = start + member.count
            return (Array(payload[..<end]), Array(payload[end...]))
        }
        return nil
    }

    private static func render(_ reads: [FactRead], _ nonce: String, _ deadlineSeconds: Int) -> [UInt8] {
        let readDocuments: [JSONOutput] = reads.map { read in
            switch read {
            case .value(let key, let name): .object([("value", .string(key.text)), ("name", .string(name.text))])
            case .key(let key): .object([("key", .string(key.text))])
            case .subkeyValues(let key, let name):
                .object([("subkeys", .string(key.text)), ("name", .string(name.text))])
            case .subkeyNames(let key): .object([("subkeys", .string(key.text))])
            case .service(let name): .object([("service", .string(name.text))])
            case .cim(let cimClass): .object([("cim", .string(cimClass.address))])
            case .exchange(let fact): .object([("exchange", .string(fact.key))])
            case .certificates(let store): .object([("certificates", .string(store.address))])
            case .xml(let file, let path):
                .object([
                    ("xml", .string(file.root.rawValue)), ("file", .string(file.relativePath)),
                    ("path", .string(path.text)),
                ])
            case .subfolders(let folder):
                .object([("subfolders", .string(folder.root.rawValue)), ("folder", .string(folder.relativePath))])
            case .acl(let folder):
                .object([("acl", .string(folder.root.rawValue)), ("folder", .string(folder.relativePath))])
            case .cipherSuites: .object([("cipherSuites", .string("Get-TlsCipherSuite"))])
            }
        }
        let document = JSONOutput.object([
            ("edcaProbe", .integer(1)),
            ("nonce", .string(nonce)),
            ("deadlineSeconds", .integer(Int64(deadlineSeconds))),
            ("script", .string(ProbeScripts.probe)),
            ("reads", .array(readDocuments)),
        ])
        return ASCIIJSON.escaping(document.compactBytes())
    }
}
