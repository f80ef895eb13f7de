import EDCACore
import EDCAJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One exec request on the simulated Windows host, from sshd's environment to the exit status.
///
/// The order follows a real server: sshd's login message, the outer shell (and its profile), powershell.exe's
/// parameters, the bootstrap reading and checking standard input, then the probe script answering.
///
/// **Usage.** `ForceCommand /path/to/edca-lab-host --lab /path/to/lab.json` in a test sshd's config. The host is
/// chosen from `SSH_CONNECTION`'s server address and port; the command comes from `SSH_ORIGINAL_COMMAND`.
///
/// **Lab file.** `{"hosts": {SELECTOR: HOST, ...}}`. SELECTOR is `IP:PORT` (`[IPv6]:PORT`), `IP` or `*`, tried in
/// that order. HOST is `{"snapshot": PATH, "shell": "cmd"|"powershell", "computerName": TEXT, "faults": {...}}`:
/// `snapshot` (required; relative to the lab file's directory) is a registry snapshot (docs/registry-snapshot.md);
/// `shell` (default `cmd`) is the server's OpenSSH DefaultShell; `computerName` is for the reader only. Unknown
/// fields, unknown faults and faults that could not act are errors (exit status 2).
///
/// **Faults** (all off by default):
/// - `latencyMs` (integer): the probe waits this long before its first read, counted against `deadlineSeconds`.
/// - `banner` (text): written to stdout first, as a login message; `profileOutput` (text, DefaultShell powershell
///   only): written next, as the outer PowerShell's profile would.
/// - `clixml` (bool): a CLIXML progress and error block on stderr.
/// - `exitStatus` (0...255): the exit status after a valid answer.
/// - `hang`, `hangAfterPartialOutput`, `disconnectMidOutput` (bool, at most one): after reading stdin, never
///   answer; or write the BEGIN marker and half the JSON, then wait; or do that, wait 300 ms and kill -9 the sshd
///   session process (nearest `sshd*` ancestor, else the parent). A waiting simulator exits when the session ends.
/// - `garbage` (bool) or `deepJSON` (integer N), at most one: 512 random non-JSON bytes, or an array nested N deep,
///   between correct markers instead of the answer.
/// - `nonUTF8` (bool): bytes E9 FF appended to the first REG_SZ/REG_EXPAND_SZ answer's data.
/// - `extraAnswers` (integer, or `true` for 1): that many answers appended that claim a key nobody asked for
///   (`{"key":...,"name":...,"type":"REG_SZ","data":"forged-by-edca-lab-host"}`).
/// - `hugeOutputBytes` (integer): that many filler bytes (80-byte CRLF lines) on stdout before the answer.
/// - `wrongNonce` (bool): the markers carry another nonce (each hex digit moved on by one).
/// - `deniedKeys` (array of key paths): keys made unreadable, exactly like `null` keys in the snapshot.
/// - `fips` (bool): the FIPS policy is on: a bootstrap that hashes with .NET's managed SHA-256 fails (`fips`).
/// - `constrainedLanguage` (bool): PowerShell runs in Constrained Language Mode: a bootstrap or probe script
///   without a Constrained Language path fails as Windows would; the probe answers as its provider path does
///   (REG_EXPAND_SZ as REG_SZ, REG_NONE as REG_BINARY, a wide REG_DWORD as REG_QWORD).
/// - `powerShellVersion` (1...5, default 5): below 3, the bootstrap says PowerShell is too old.
/// - `emptyStandardInput`, `truncatedStandardInput` (bool, at most one): powershell.exe reads nothing, or only the
///   first half of the request.
/// - `blocked` (bool): security software kills powershell.exe before it writes anything (SIGKILL, no output).
/// - `wideDWORDs` (array of `{"key": K, "name": N}`): those REG_DWORD values are stored with 6 bytes of data.
/// - `deniedCimClasses` (array of CIM class names), `deniedServices` (array of service names) and
///   `deniedCertificateStores` (array of store names such as `My`): made unreadable, exactly like `null` classes,
///   services and stores in the snapshot.
/// - `deniedFiles` and `absentFiles` (arrays of XML file addresses such as `ExchangeInstall\Bin\x.config`): made
///   unreadable or removed, exactly like `null` and `"absent"` files in the snapshot's `xml` member.
/// - `maskedDefenderExclusions` (bool): each exclusion list of `MSFT_MpPreference` reads as Defender's placeholder
///   for a non-administrator, "N/A: Must be an administrator to view exclusions".
/// - `deniedCipherSuites` (bool): the TLS cipher suites cannot be read, like a `null` `cipherSuites`.
enum LabHost {
    /// The usage line for a wrong command line.
    static let usage = "usage: edca-lab-host --lab LAB.json (as sshd's ForceCommand; see LabHost.swift)"

    /// Runs the simulation and exits with its status, after writing a refusal's message to stderr.
    static func exitAfterRunning(arguments: [String]) -> Never {
        HostIO.ignoreBrokenPipes()
        _ = HostIO.startingParent
        let status: Int32
        do {
            status = try run(arguments: arguments)
        } catch {
            try? HostIO.writeAll(error.message + error.lineEnding, to: HostIO.standardError)
            status = error.exitStatus
        }
        exit(status)
    }

    /// Runs the simulation: returns the exit status of a probe that answered, throws a ``Refusal`` otherwise.
    static func run(arguments: [String]) throws(Refusal) -> Int32 {
        guard arguments.count == 2, arguments[0] == "--lab" else { throw Refusal.lab(usage) }
        let lab = try LabConfiguration(path: arguments[1])
        guard let connection = HostIO.environment("SSH_CONNECTION") else {
            throw Refusal.lab("SSH_CONNECTION is not set (run edca-lab-host as sshd's ForceCommand)")
        }
        let host = try lab.host(forConnection: connection)
        guard let command = HostIO.environment("SSH_ORIGINAL_COMMAND") else {
            throw Refusal.lab("SSH_ORIGINAL_COMMAND is not set: only exec requests are simulated, not a shell")
        }
        let snapshot = try host.loadSnapshot()
        let faults = host.faults

        if let banner = faults.banner { try HostIO.writeAll(banner, to: HostIO.standardOutput) }
        if host.shell == .powershell, let profileOutput = faults.profileOutput {
            try HostIO.writeAll(profileOutput, to: HostIO.standardOutput)
        }
        let powerShellArguments = try OuterShell.powerShellArguments(command: command, shell: host.shell)
        let bootstrap = try Bootstrap(text: PowerShellParameters.encodedCommand(of: powerShellArguments))
        if faults.clixml { try HostIO.writeAll(Faults.clixmlBlock, to: HostIO.standardError) }

        let input = HostIO.readStandardInput()
        if faults.blocked { HostIO.killSelf() }
        let payload = try bootstrap.payload(from: faults.standardInput(input), on: faults.windows)
        let scriptStart = HostIO.monotonicSeconds()
        let request = try ProbeRequest(payload: payload)
        if faults.hang { HostIO.waitUntilSessionEnds() }
        HostIO.sleep(milliseconds: faults.latencyMilliseconds)
        let reading = ProbeAnswers.Reading(
            constrainedLanguage: faults.windows.constrainedLanguage, wideDWORDs: faults.wideDWORDs,
            exchangeLoadSeconds: faults.exchange.loadSeconds, exchangeCalls: faults.exchange.calls)
        let answers = ProbeAnswers.answers(to: request, from: snapshot, startedAt: scriptStart, reading: reading)

        let response = faults.responseBody(nonce: request.nonce, answers: answers)
        if let note = response.note { try HostIO.writeAll(note + "\n", to: HostIO.standardError) }
        try faults.writeFiller()
        try respond(body: response.body, markerNonce: faults.markerNonce(for: request.nonce), faults: faults)
        return faults.exitStatus
    }

    /// Writes the framed answer, `EDCA-PROBE-BEGIN <nonce>` CRLF, body, CRLF, `EDCA-PROBE-END <nonce>` CRLF, or
    /// half of it and then hangs or drops the connection when a fault says so.
    private static func respond(body: [UInt8], markerNonce: String, faults: Faults) throws(Refusal) {
        let begin = Array("EDCA-PROBE-BEGIN \(markerNonce)\r\n".utf8)
        let end = Array("\r\nEDCA-PROBE-END \(markerNonce)\r\n".utf8)
        guard faults.hangAfterPartialOutput || faults.disconnectMidOutput else {
            try HostIO.writeAll(begin + body + end, to: HostIO.standardOutput)
            return
        }
        try HostIO.writeAll(begin + body.prefix(body.count / 2), to: HostIO.standardOutput)
        if faults.disconnectMidOutput {
            // Give sshd time to forward the partial output, so the client sees some output before the drop.
            HostIO.sleep(milliseconds: Faults.disconnectDelayMilliseconds)
            try HostIO.dropSession()
        }
        HostIO.waitUntilSessionEnds()
    }
}
