/// Runs one command per host over SSH (libssh), on a fixed pool of dedicated pthreads, never on Swift's cooperative
/// pool.
///
/// The pool's width bounds how many hosts are in flight; more calls to `run` wait in a FIFO queue. Each host's
/// whole sequence (connect → verify the host key → authenticate → exec → write stdin → read → exit status → close)
/// runs inside one job on one pool thread, because libssh allows a session to be used by one thread at a time.
///
/// Call `shutdown()` before the process exits: a libssh thread still exiting while `exit()` runs OpenSSL's cleanup
/// crashes the process. `deinit` shuts down too, as a fallback.
package final class SSHClient: RemoteCommandRunner {
    private let options: SSHOptions
    private let key: PrivateKeyMaterial?
    private let kerberos: KerberosCredentials?
    private let pool: WorkerPool
    private let shutDown = StopFlag()

    /// Loads the private key once and starts `threads` worker threads.
    ///
    /// A passphrase-protected key is decrypted here, once (`ssh_pki_import_privkey_file`), and kept unencrypted in
    /// memory only; each worker thread imports its own copy (`ssh_pki_import_privkey_base64`).
    ///
    /// - Parameters:
    ///   - options: How to connect; shared by every host.
    ///   - threads: The number of worker threads, i.e. the most hosts in flight at once (at least 1).
    /// With `options.kerberos`, the Kerberos ticket is obtained (from a keytab) or copied (from a credential cache)
    /// here too, once, into a private in-memory cache; see `KerberosCredentials`.
    ///
    /// - Throws: `key-load` if the key file or passphrase file cannot be read, the passphrase is wrong, or no key
    ///   file, agent or Kerberos identity is configured; `kerberos` if the keytab or credential cache is unusable
    ///   (a KDC that does not answer is not fatal: each Kerberos host then fails on its own); `shutdown` if a thread
    ///   cannot be started.
    package init(options: SSHOptions, threads: Int) throws(SSHError) {
        precondition(threads > 0, "SSHClient needs at least one thread")
        precondition(options.maxOutputBytes > 0, "maxOutputBytes must be positive")
        self.options = options
        if let identity = options.identityFile {
            key = try PrivateKeyMaterial(path: identity, passphraseFile: options.passphraseFile)
        } else {
            key = nil
            guard options.useAgent || options.kerberos != nil else {
                throw SSHError(
                    .keyLoad, host: "",
                    message: "no identity file or Kerberos identity is configured and the agent is not used")
            }
        }
        kerberos = try options.kerberos.map { (settings) throws(SSHError) in try KerberosCredentials(settings) }
        pool = try WorkerPool(threads: threads)
    }

    deinit {
        shutdown()
    }

    /// Runs `command` on `endpoint`, writes `standardInput` to its stdin followed by EOF, and returns its complete
    /// stdout, stderr and exit status.
    ///
    /// Suspends the calling task (it does not block a cooperative thread) until a pool thread has finished the host.
    /// Cancelling the task stops the run at its next check, at most about 100 ms later unless libssh is inside a
    /// connect or authentication call (bounded by `connectTimeout`).
    ///
    /// - Throws: `SSHError`; a non-zero exit status is a result, not an error.
    package func run(
        _ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]
    ) async throws(SSHError) -> CommandOutput {
        let control = RunControl(cancelled: StopFlag(), shutDown: shutDown)
        let options = self.options
        let key = self.key
        let kerberos = self.kerberos
        let pool = self.pool
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<CommandOutput, SSHError>, Never>) in
                let refused = SSHError(.shutdown, host: endpoint.host, message: "the SSH client has been shut down")
                let job = WorkerPool.Job(
                    work: { context in
                        let run = HostRun(
                            endpoint: endpoint, options: options, key: key, kerberos: kerberos, context: context,
                            control: control)
                        continuation.resume(
                            returning: Result { () throws(SSHError) in
                                try run.execute(command: command, input: standardInput)
                            })
                    },
                    reject: { continuation.resume(returning: .failure(refused)) })
                if !pool.submit(job) {
                    continuation.resume(returning: .failure(refused))
                }
            }
        } onCancel: {
            control.cancelled.set()
        }
        return try result.get()
    }

    /// Stops accepting work, fails queued runs and interrupts running ones with `shutdown`, and joins every worker
    /// thread (`pthread_join`). Blocks until the running hosts have reached their next check (normally ~100 ms; at
    /// most `connectTimeout` if a host is inside a connect). Idempotent.
    package func shutdown() {
        shutDown.set()
        pool.shutdown()
    }

    /// The most hosts that ran at the same time so far (for tests).
    var peakConcurrency: Int { pool.peakConcurrency }

    /// The worker threads still alive (for tests; 0 after `shutdown()`).
    var liveWorkerThreads: Int { pool.liveThreadCount }
}
