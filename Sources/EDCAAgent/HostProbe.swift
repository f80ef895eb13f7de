package import EDCACore
package import EDCAEngine
import EDCAJSON
package import EDCAProbe
package import EDCATransport

/// What a probe of one host collects and evaluates: its own server controls, the organization controls as well
/// (the host chosen to collect its organization's facts), or, for a host that stands in for a chosen one that failed
/// after its own probe, only the organization controls.
package enum ProbeScope: Sendable, Hashable {
    /// The server controls' reads without `Organization`-scope stage keys (and without the reads only organization
    /// controls need): the server controls that read organization facts wait for the organization's collector
    /// (``HostScan/awaitsOrganization``).
    case server
    /// The server controls' reads, `Organization`-scope stage keys included, for a server declared Edge: it answers
    /// them from its own AD LDS copy, and every server control is judged on its own facts.
    case edgeServer
    /// Every read: the server controls and the organization controls are evaluated on this host.
    case serverAndOrganization
    /// The organization's reads only (``EvaluationPlan/organizationReads``), evaluated on this host.
    case organizationOnly

    var includesServer: Bool { self != .organizationOnly }
    var includesOrganization: Bool { self == .serverAndOrganization || self == .organizationOnly }
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
    private let edgeServerRequest: ProbeRequest
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
        edgeServerRequest = request(plan.edgeServerReads)
        fullRequest = request(plan.reads)
        organizationRequest = request(plan.organizationReads)
    }

    /// The request for one run of `scope`, with a fresh nonce.
    package func makeRequest(_ scope: ProbeScope = .serverAndOrganization) -> ProbeRequest {
        let request =
            switch scope {
            case .server: serverRequest
            case .edgeServer: edgeServerRequest
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
        if scope.includesOrganization, plan.collectsOrganizationFacts {
            organization = OrganizationFacts(
                verdicts: plan.evaluateOrganizationControls(on: facts, role: hostRole),
                readErrors: plan.organizationReadErrors(in: facts))
            if ContinuousClock.now >= until { throw timedOut("evaluating the organization controls") }
        }
        // A server that did not read the organization's facts, or read them with errors, waits for the host that
        // collects them to judge the server controls that read them (an Edge server's copies are its own).
        let awaits =
            hostRole != .edge && !plan.serverControlsReadingOrganization.isEmpty
            && (scope == .server || scope == .serverAndOrganization && organization?.readErrors.isEmpty == false)
        let verdicts =
            scope.includesServer
            ? plan.evaluateServerControls(on: facts, role: hostRole, awaits ? .onOwnFacts : .all) : []
        if ContinuousClock.now >= until { throw timedOut("evaluating the controls") }
        return HostScan(
            endpoint: endpoint, role: hostRole, identity: result.identity, snapshot: result.snapshot,
            verdicts: verdicts, organization: organization, readErrors: result.readErrors,
            hostKeyFingerprint: output.hostKeyFingerprint, timeLeft: ContinuousClock.now.duration(to: until),
            awaitsOrganization: awaits)
    }

    /// Completes a scan that waits for its organization (``HostScan/awaitsOrganization``): judges the server
    /// controls that read organization facts on the host's own facts with the `Organization`-scope stage keys as
    /// `organization` answers them (the collector's rows or errors), and merges their verdicts with the others in
    /// the plan's order. The time this takes comes off the scan's ``HostScan/timeLeft``; the wait before it does
    /// not. The snapshot stays the host's own answers.
    /// - Throws: ``HostProbeError/processingTimeout(host:while:)`` when the host's time runs out meanwhile.
    package func complete(_ scan: HostScan, organization: ExchangeSnapshot) throws(HostProbeError) -> HostScan {
        guard scan.awaitsOrganization else { return scan }
        let started = ContinuousClock.now
        var completed = scan
        let facts = plan.facts(from: scan.snapshot, organization: organization)
        let pending = plan.evaluateServerControls(on: facts, role: scan.role, .readingOrganization)
        completed.verdicts = plan.merged(scan.verdicts, pending)
        completed.awaitsOrganization = false
        if let timeLeft = scan.timeLeft {
            let left = timeLeft - (ContinuousClock.now - started)
            guard left > .zero else {
                throw .processingTimeout(
                    host: scan.endpoint.host, while: "evaluating the server controls that read organization facts")
            }
            completed.timeLeft = left
        }
        return completed
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
    /// Every fact read, as `--save-snapshot` writes it: what this host answered, never another host's organization
    /// facts that some of its verdicts were judged with.
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
    /// Whether the server controls that read organization facts are still to be judged, with the rows of the host
    /// that collects the organization's facts (``HostProbe/complete(_:organization:)``): ``verdicts`` lacks them.
    package var awaitsOrganization: Bool

    /// Creates a scan.
    package init(
        endpoint: SSHEndpoint, role: ExchangeRole, identity: HostIdentity, snapshot: HostSnapshot,
        verdicts: [Verdict], organization: OrganizationFacts? = nil, readErrors: [String],
        hostKeyFingerprint: String, timeLeft: Duration? = nil, awaitsOrganization: Bool = false
    ) {
        self.awaitsOrganization = awaitsOrganization
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
