package import EDCACore
package import EDCAEngine
import EDCAJSON
package import EDCAProbe
package import EDCATransport

/// What a probe of one host collects and evaluates: its own server controls, the organization controls as well
/// (the host chosen to collect its organization's facts), or, for a host that stands in for a chosen one that failed
/// after its own probe, only the organization controls.
package enum ProbeScope: Sendable, Hashable {
    /// The server controls' reads only; the reads only organization controls need are left out.
    case server
    /// Every read: the server controls and the organization controls are evaluated on this host.
    case serverAndOrganization
    /// The organization controls' reads only, evaluated on this host.
    case organizationOnly

    var includesServer: Bool { self != .organizationOnly }
    var includesOrganization: Bool { self != .server }
}

/// One host probed over SSH and evaluated: the pieces composed in order.
///
/// Plan the controls' reads, run the constant probe command with the request on stdin, parse the framed response
/// into a snapshot, decide the role, evaluate. Every failure before evaluation is a ``HostProbeError`` for this
/// host alone.
///
/// The host's deadline bounds the whole of it: the SSH run, then reading the answer and evaluating the controls
/// (``HostProbeError/processingTimeout(host:while:)``), then writing its events (``HostScan/timeLeft``). The agent's
/// own work on an answer gets what the deadline had left when the answer arrived; time spent waiting for one of the
/// agent's threads or for the spool's writer is not counted, so a busy agent does not fail hosts that answered.
package struct HostProbe: Sendable {
    /// The controls, compiled once.
    package let plan: EvaluationPlan
    /// How long the probe may run on the server before it stops reading, in seconds.
    package let remoteDeadlineSeconds: Int
    /// Each host's whole deadline.
    package let deadline: Duration
    /// The request of each scope, merged and sorted once; each run gets its own nonce.
    private let serverRequest: ProbeRequest
    private let fullRequest: ProbeRequest
    private let organizationRequest: ProbeRequest

    /// Prepares a probe for these controls.
    /// - Parameter deadline: the per-host deadline of the SSH run; the probe's own budget on the server is set
    ///   below it, so that its partial answers arrive before the connection is given up.
    package init(controls: [Control], deadline: Duration) {
        plan = EvaluationPlan(controls: controls)
        self.deadline = deadline
        let seconds = max(1, Int(deadline.components.seconds) * 3 / 4)
        remoteDeadlineSeconds = seconds
        let plan = self.plan
        func request(_ reads: [FactRead]) -> ProbeRequest {
            ProbeRequest(request: FactRequest(reads: reads), nonce: "", deadlineSeconds: seconds)
        }
        serverRequest = request(plan.serverReads)
        fullRequest = request(plan.reads)
        organizationRequest = request(plan.organizationReads)
    }

    /// The request for one run of `scope`, with a fresh nonce.
    package func makeRequest(_ scope: ProbeScope = .serverAndOrganization) -> ProbeRequest {
        let request =
            switch scope {
            case .server: serverRequest
            case .serverAndOrganization: fullRequest
            case .organizationOnly: organizationRequest
            }
        return request.withNonce(ProbeRequest.makeNonce())
    }

    /// Probes one host and evaluates the controls of `scope` on what it found.
    /// - Parameter role: the host's role, or nil to take it from the host's Exchange setup keys.
    /// - Throws: ``HostProbeError`` when the host cannot be probed, its output is unusable, or its role is unknown.
    package func run(
        _ endpoint: SSHEndpoint, client: some RemoteCommandRunner, role: ExchangeRole?,
        scope: ProbeScope = .serverAndOrganization
    ) async throws(HostProbeError) -> HostScan {
        let started = ContinuousClock.now
        let request = makeRequest(scope)
        let payload: [UInt8]
        do {
            payload = try request.checkedPayload()
        } catch {
            throw .probe(error)
        }
        let output: CommandOutput
        do {
            output = try await client.run(endpoint, command: ProbeScripts.commandLine, standardInput: payload)
        } catch {
            throw .transport(error)
        }
        // What the host's deadline had left when its answer was complete (the transport's, which starts when a pool
        // thread takes the host; else ours), counted from now: waiting for a thread of the agent does not count.
        let now = ContinuousClock.now
        let until = now.advanced(by: output.timeLeft ?? (deadline - (now - started)))
        let timedOut = { (doing: String) in HostProbeError.processingTimeout(host: endpoint.host, while: doing) }
        var result: ProbeResult
        do {
            result = try ProbeResponse.parse(
                standardOutput: output.standardOutput, standardError: output.standardError,
                exitStatus: output.exitStatus, request: request, deadline: until)
        } catch  where error.code == .pastDeadline {
            throw timedOut("reading its answer (\(output.standardOutput.count) bytes): \(error.message)")
        } catch {
            throw .probe(error)
        }
        // The scan time is the agent's clock when the answer arrived, never the server's: date rules compare with
        // it, and a saved snapshot carries it so that `evaluate` judges the facts as of their scan.
        result.snapshot.scanTime = Timestamp.now()
        guard let hostRole = role ?? result.identity.role else {
            throw .unknownRole(endpoint.host)
        }
        let facts = plan.facts(from: result.snapshot)
        if ContinuousClock.now >= until { throw timedOut("resolving its facts") }
        var organization: OrganizationFacts?
        if scope.includesOrganization, plan.hasOrganizationControls {
            organization = OrganizationFacts(
                verdicts: plan.evaluateOrganizationControls(on: facts, role: hostRole),
                readErrors: plan.organizationReadErrors(in: facts))
            if ContinuousClock.now >= until { throw timedOut("evaluating the organization controls") }
        }
        let verdicts = scope.includesServer ? plan.evaluateServerControls(on: facts, role: hostRole) : []
        if ContinuousClock.now >= until { throw timedOut("evaluating the controls") }
        return HostScan(
            endpoint: endpoint, role: hostRole, identity: result.identity, snapshot: result.snapshot,
            verdicts: verdicts, organization: organization, readErrors: result.readErrors,
            hostKeyFingerprint: output.hostKeyFingerprint, timeLeft: ContinuousClock.now.duration(to: until))
    }
}

/// The organization controls evaluated on the facts of the host that collected them.
package struct OrganizationFacts: Sendable {
    /// One verdict per organization control, in catalog order.
    package var verdicts: [Verdict]
    /// The organization controls' reads the host answered with an error (denied, failed), in words; when not
    /// empty, the scan asks the next host of the organization.
    package var readErrors: [String]
}

/// A host probed and evaluated.
package struct HostScan: Sendable {
    /// Where it was reached.
    package var endpoint: SSHEndpoint
    /// The role the controls were evaluated for.
    package var role: ExchangeRole
    /// Name, builds and role as the host's registry tells them.
    package var identity: HostIdentity
    /// Every fact read, as `--save-snapshot` writes it.
    package var snapshot: HostSnapshot
    /// One verdict per server control (subject `Server`, `Database`), in catalog order.
    package var verdicts: [Verdict]
    /// The organization controls' verdicts on this host's facts, when it collected its organization's facts.
    package var organization: OrganizationFacts?
    /// Reads the probe could not answer.
    package var readErrors: [String]
    /// The host key's SHA-256 fingerprint.
    package var hostKeyFingerprint: String
    /// What the host's deadline had left once the controls were evaluated: writing its events gets that much time
    /// (``ScanRecorder``, counted from when it starts, not from when the host waited for the spool); nil: unbounded.
    package var timeLeft: Duration?

    /// Creates a scan.
    package init(
        endpoint: SSHEndpoint, role: ExchangeRole, identity: HostIdentity, snapshot: HostSnapshot,
        verdicts: [Verdict], organization: OrganizationFacts? = nil, readErrors: [String],
        hostKeyFingerprint: String, timeLeft: Duration? = nil
    ) {
        self.endpoint = endpoint
        self.role = role
        self.identity = identity
        self.snapshot = snapshot
        self.verdicts = verdicts
        self.organization = organization
        self.readErrors = readErrors
        self.hostKeyFingerprint = hostKeyFingerprint
        self.timeLeft = timeLeft
    }
}

/// Why a host could not be probed or evaluated.
package enum HostProbeError: Error, Sendable, CustomStringConvertible {
    /// The SSH connection or command failed.
    case transport(SSHError)
    /// The probe's output is unusable.
    case probe(ProbeError)
    /// `--role auto` and the host's registry shows no Exchange role.
    case unknownRole(String)
    /// The scan was stopped (SIGTERM or SIGINT) before this host was probed.
    case interrupted
    /// The host answered in time, but the agent's own processing of the answer (reading it, evaluating the controls,
    /// writing its events) did not finish within what the host's deadline had left.
    case processingTimeout(host: String, while: String)

    /// A stable error class for logs and the spool: `ssh.<code>`, `probe.<code>` or `role-unknown`.
    package var errorClass: String {
        switch self {
        case .transport(let error): "ssh.\(error.code.rawValue)"
        case .probe(let error): "probe.\(error.code.rawValue)"
        case .unknownRole: "role-unknown"
        case .interrupted: "interrupted"
        case .processingTimeout: "agent.timeout"
        }
    }

    package var description: String {
        switch self {
        case .transport(let error): error.description
        case .probe(let error): error.description
        case .unknownRole(let host):
            "\(host): no Exchange role found (neither MailboxRole nor EdgeTransportRole under "
                + #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15); give --role Mailbox or --role Edge"#
        case .interrupted: "the scan was stopped before this host was probed"
        case .processingTimeout(let host, let doing):
            "\(host): the agent's processing of its answer did not finish within the host's deadline (while \(doing))"
        }
    }
}
