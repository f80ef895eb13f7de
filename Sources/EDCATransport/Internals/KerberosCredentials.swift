import CKrb5
import Glibc
import Synchronization

/// The run's Kerberos identity: a forwardable ticket-granting ticket in a private in-memory credential cache
/// (`MEMORY:`), obtained once from a keytab or copied once from a credential cache file.
///
/// The cache never touches the disk or the process environment: each host run acquires a GSSAPI credential for it by
/// name (`gss_acquire_cred_from` with a `ccache` store) and hands that to libssh (`ssh_gssapi_set_creds`). MIT's
/// memory caches are locked internally, so runs on several pool threads share the cache (and the service tickets
/// stored in it); the `krb5_context`, which is not thread-safe, is used only under `state`'s lock.
final class KerberosCredentials: Sendable {
    private struct State {
        let context: krb5_context
        let cache: krb5_ccache
        /// The keytab while no ticket could be obtained yet (the KDC was unreachable at start).
        var keytab: krb5_keytab?
        var principal: krb5_principal?
        var hasTicket = false
        /// The last failure to get the ticket, and when: hosts within `retryInterval` of it fail at once with it
        /// instead of each waiting its turn to ask a KDC that does not answer.
        var lastFailure: (error: SSHError, at: ContinuousClock.Instant)?
    }

    /// How long a failure to reach the KDC is reused before the next host tries again.
    static let retryInterval = Duration.seconds(30)

    private let state: Mutex<State>
    private let options: KerberosOptions
    /// The in-memory cache's full name, `MEMORY:...`.
    let cacheName: String
    /// The client principal, e.g. `svc-edca@CONTOSO.COM`, for messages.
    let principalName: String

    /// Obtains or copies the ticket. Fails, before any host is contacted, when the keytab or credential cache cannot
    /// be read, names an unknown principal or realm, holds a stale key, an expired or undelegable ticket. A KDC that
    /// does not answer is not fatal here: each host then retries, and fails with `kdc-unreachable` on its own.
    init(_ options: KerberosOptions) throws(SSHError) {
        self.options = options
        var rawContext: krb5_context?
        let status = krb5_init_context(&rawContext)
        guard status == 0, let context = rawContext else {
            throw Self.setupError(
                .failed, "cannot initialise Kerberos (krb5_init_context): error \(status); check krb5.conf")
        }
        var rawCache: krb5_ccache?
        let created = krb5_cc_new_unique(context, "MEMORY", nil, &rawCache)
        guard created == 0, let cache = rawCache else {
            let text = Self.message(context, created)
            krb5_free_context(context)
            throw Self.setupError(.failed, "cannot create an in-memory credential cache: \(text)")
        }
        cacheName = "MEMORY:" + String(cString: krb5_cc_get_name(context, cache))
        var state = State(context: context, cache: cache)
        do throws(SSHError) {
            switch options.source {
            case .keytab(let path, let principal):
                try Self.openKeytab(path, principal: principal, into: &state)
                do throws(SSHError) {
                    try Self.obtainTicket(&state, delegate: options.delegate, host: "")
                } catch  where error.kerberosReason == .kdcUnreachable {
                    // Not fatal: hosts retry, and hosts that use keys go on.
                    state.lastFailure = (error, ContinuousClock.now)
                }
            case .credentialCache(let path):
                try Self.copyCache(path, into: &state, delegate: options.delegate)
            }
        } catch {
            Self.release(state)
            throw error
        }
        principalName = state.principal.map { Self.name(context, $0) } ?? "?"
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { Self.release($0) }
    }

    private static func release(_ state: State) {
        // krb5_cc_destroy, not close: the tickets are wiped from memory.
        krb5_cc_destroy(state.context, state.cache)
        if let keytab = state.keytab { krb5_kt_close(state.context, keytab) }
        if let principal = state.principal { krb5_free_principal(state.context, principal) }
        krb5_free_context(state.context)
    }

    // MARK: - Per host

    /// A GSSAPI credential for one run, backed by the shared in-memory cache; obtains the ticket first if the KDC
    /// was unreachable so far.
    func credential(host: String) throws(SSHError) -> GSSCredential {
        try state.withLock { (state) throws(SSHError) in
            guard !state.hasTicket else { return }
            if let last = state.lastFailure, ContinuousClock.now < last.at.advanced(by: Self.retryInterval) {
                throw SSHError(kerberos: last.error.kerberosReason ?? .failed, host: host, message: last.error.message)
            }
            do throws(SSHError) {
                try Self.obtainTicket(&state, delegate: options.delegate, host: host)
            } catch {
                state.lastFailure = (error, ContinuousClock.now)
                throw error
            }
        }
        var minor: OM_uint32 = 0
        var raw: gss_cred_id_t?
        let major = "ccache".withCString { key in
            cacheName.withCString { value in
                var element = gss_key_value_element_desc(key: key, value: value)
                return withUnsafeMutablePointer(to: &element) { elements in
                    var store = gss_key_value_set_desc(count: 1, elements: elements)
                    return gss_acquire_cred_from(
                        &minor, nil, OM_uint32(GSS_C_INDEFINITE), nil, gss_cred_usage_t(GSS_C_INITIATE), &store, &raw,
                        nil, nil)
                }
            }
        }
        guard !Self.isError(major), let raw else {
            throw Self.gssError(major: major, minor: minor, host: host, doing: "acquiring the credential")
        }
        return GSSCredential(raw)
    }

    /// Establishes the first leg of a GSSAPI context to `host@serverName` with the run's credential, as libssh is
    /// about to: this gets the service ticket (which libssh then finds in the cache) and turns the Kerberos error,
    /// which libssh only logs, into a reason. With delegation on, the context must grant `GSS_C_DELEG_FLAG`.
    func preflight(_ credential: GSSCredential, serverName: String, host: String) throws(SSHError) {
        var minor: OM_uint32 = 0
        var name: gss_name_t?
        let target = "host@" + serverName
        let imported = target.withCString { text in
            var buffer = gss_buffer_desc(length: strlen(text), value: UnsafeMutableRawPointer(mutating: text))
            return gss_import_name(&minor, &buffer, edca_gss_nt_hostbased_service(), &name)
        }
        guard !Self.isError(imported), name != nil else {
            throw Self.gssError(major: imported, minor: minor, host: host, doing: "importing the name \(target)")
        }
        defer { gss_release_name(&minor, &name) }
        var context: gss_ctx_id_t?
        var output = gss_buffer_desc(length: 0, value: nil)
        var granted: OM_uint32 = 0
        let wanted =
            OM_uint32(GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG) | (options.delegate ? OM_uint32(GSS_C_DELEG_FLAG) : 0)
        let major = gss_init_sec_context(
            &minor, credential.raw, &context, name, edca_gss_mech_krb5(), wanted, 0, nil, nil, nil, &output, &granted,
            nil)
        var ignored: OM_uint32 = 0
        gss_release_buffer(&ignored, &output)
        if context != nil { gss_delete_sec_context(&ignored, &context, nil) }
        guard !Self.isError(major) else {
            throw Self.gssError(
                major: major, minor: minor, host: host, doing: "getting a service ticket for host/\(serverName)")
        }
        if options.delegate, granted & OM_uint32(GSS_C_DELEG_FLAG) == 0 {
            throw SSHError(
                kerberos: .delegationRefused, host: host,
                message:
                    "the ticket for host/\(serverName) cannot carry a delegated credential (the realm's policy, or the "
                    + "server account is not trusted for delegation); the session would have no network credentials")
        }
    }

    // MARK: - Getting the ticket

    private static func openKeytab(_ path: String, principal: String?, into state: inout State) throws(SSHError) {
        let context = state.context
        guard access(path, R_OK) == 0 else {
            throw setupError(.badKeytab, "cannot read keytab \(path): \(errnoText())")
        }
        var keytab: krb5_keytab?
        let resolved = "FILE:\(path)".withCString { krb5_kt_resolve(context, $0, &keytab) }
        guard resolved == 0, let keytab else {
            throw setupError(.badKeytab, "cannot open keytab \(path): \(message(context, resolved))")
        }
        state.keytab = keytab
        if let principal {
            var parsed: krb5_principal?
            let status = krb5_parse_name(context, principal, &parsed)
            guard status == 0, let parsed else {
                throw setupError(.badKeytab, "invalid principal name \"\(principal)\": \(message(context, status))")
            }
            state.principal = parsed
        } else {
            // The keytab's first entry names the principal (as `kinit -k -t FILE` without a name would not; ktutil
            // and `ktpass` write one principal per keytab).
            var cursor: krb5_kt_cursor?
            var status = krb5_kt_start_seq_get(context, keytab, &cursor)
            guard status == 0 else {
                throw setupError(.badKeytab, "keytab \(path) is not a readable keytab: \(message(context, status))")
            }
            var entry = krb5_keytab_entry()
            status = krb5_kt_next_entry(context, keytab, &entry, &cursor)
            if status == 0 {
                var copy: krb5_principal?
                status = krb5_copy_principal(context, entry.principal, &copy)
                state.principal = copy
                krb5_free_keytab_entry_contents(context, &entry)
            }
            krb5_kt_end_seq_get(context, keytab, &cursor)
            guard status == 0, state.principal != nil else {
                let why = status == KRB5_KT_END ? "it holds no key" : message(context, status)
                throw setupError(.badKeytab, "keytab \(path) is not usable: \(why)")
            }
        }
    }

    /// `kinit -f -k`: a forwardable TGT for the keytab's principal, stored in the in-memory cache.
    private static func obtainTicket(_ state: inout State, delegate: Bool, host: String) throws(SSHError) {
        guard let keytab = state.keytab, let principal = state.principal else {
            throw SSHError(kerberos: .noTicket, host: host, message: "no Kerberos ticket and no keytab to get one")
        }
        let context = state.context
        var options: UnsafeMutablePointer<krb5_get_init_creds_opt>?
        guard krb5_get_init_creds_opt_alloc(context, &options) == 0, let options else {
            throw SSHError(kerberos: .failed, host: host, message: "out of memory (krb5_get_init_creds_opt_alloc)")
        }
        defer { krb5_get_init_creds_opt_free(context, options) }
        krb5_get_init_creds_opt_set_forwardable(options, 1)
        var credentials = krb5_creds()
        let status = krb5_get_init_creds_keytab(context, &credentials, principal, keytab, 0, nil, options)
        let who = name(context, principal)
        guard status == 0 else {
            let reason = reason(for: status, initial: true)
            var text = message(context, status)
            if reason == .badKeytab {
                text +=
                    " (the keytab's key is not the one the KDC holds: the account's password or key version "
                    + "changed since the keytab was written; write a new keytab)"
            }
            throw SSHError(
                kerberos: reason, host: host, message: "cannot get a ticket for \(who) from the keytab: \(text)")
        }
        defer { krb5_free_cred_contents(context, &credentials) }
        if delegate, credentials.ticket_flags & krb5_flags(TKT_FLG_FORWARDABLE) == 0 {
            throw SSHError(
                kerberos: .delegationRefused, host: host,
                message:
                    "the KDC issued a ticket for \(who) that is not forwardable (the account may be marked sensitive "
                    + "and not delegable), so the servers would get no delegated credential")
        }
        var stored = krb5_cc_initialize(context, state.cache, principal)
        if stored == 0 { stored = krb5_cc_store_cred(context, state.cache, &credentials) }
        guard stored == 0 else {
            throw SSHError(
                kerberos: .failed, host: host, message: "cannot keep the ticket: \(message(context, stored))")
        }
        state.hasTicket = true
        krb5_kt_close(context, keytab)
        state.keytab = nil
    }

    /// Copies a credential cache file into the in-memory cache after checking its ticket-granting ticket.
    private static func copyCache(_ path: String, into state: inout State, delegate: Bool) throws(SSHError) {
        let context = state.context
        guard access(path, R_OK) == 0 else {
            throw setupError(.noTicket, "cannot read credential cache \(path): \(errnoText())")
        }
        var file: krb5_ccache?
        var status = "FILE:\(path)".withCString { krb5_cc_resolve(context, $0, &file) }
        guard status == 0, let file else {
            throw setupError(.noTicket, "cannot open credential cache \(path): \(message(context, status))")
        }
        defer { krb5_cc_close(context, file) }
        var principal: krb5_principal?
        status = krb5_cc_get_principal(context, file, &principal)
        guard status == 0, let principal else {
            throw setupError(.noTicket, "credential cache \(path) holds no ticket: \(message(context, status))")
        }
        state.principal = principal
        let who = name(context, principal)
        let realm = String(
            decoding: UnsafeRawBufferPointer(
                start: principal.pointee.realm.data, count: Int(principal.pointee.realm.length)),
            as: UTF8.self)
        var service: krb5_principal?
        status = krb5_parse_name(context, "krbtgt/\(realm)@\(realm)", &service)
        guard status == 0, let service else {
            throw setupError(
                .failed, "cannot name the ticket-granting service of \(realm): \(message(context, status))")
        }
        defer { krb5_free_principal(context, service) }
        var wanted = krb5_creds()
        wanted.client = principal
        wanted.server = service
        var credentials = krb5_creds()
        status = krb5_cc_retrieve_cred(context, file, 0, &wanted, &credentials)
        guard status == 0 else {
            throw setupError(
                .noTicket,
                "credential cache \(path) holds no ticket-granting ticket for \(who): \(message(context, status))")
        }
        defer { krb5_free_cred_contents(context, &credentials) }
        let now = Int64(time(nil))
        guard Int64(credentials.times.endtime) > now else {
            throw setupError(
                .noTicket,
                "the ticket-granting ticket for \(who) in \(path) expired \(now - Int64(credentials.times.endtime)) s ago; "
                    + "renew it (kinit -f)")
        }
        if delegate, credentials.ticket_flags & krb5_flags(TKT_FLG_FORWARDABLE) == 0 {
            throw setupError(
                .delegationRefused,
                "the ticket-granting ticket for \(who) in \(path) is not forwardable (get it with kinit -f), so the "
                    + "servers would get no delegated credential")
        }
        status = krb5_cc_initialize(context, state.cache, principal)
        if status == 0 { status = krb5_cc_copy_creds(context, file, state.cache) }
        guard status == 0 else {
            throw setupError(.failed, "cannot copy credential cache \(path): \(message(context, status))")
        }
        state.hasTicket = true
    }

    // MARK: - Errors

    private static func setupError(_ reason: SSHError.KerberosReason, _ message: String) -> SSHError {
        SSHError(kerberos: reason, host: "", message: message)
    }

    /// GSS_ERROR(): a calling or routine error (supplementary bits alone are not an error).
    static func isError(_ major: OM_uint32) -> Bool {
        major & 0xFFFF_0000 != 0
    }

    /// The reason for a Kerberos error code; `initial` when it came from getting the ticket-granting ticket.
    static func reason(for code: krb5_error_code, initial: Bool) -> SSHError.KerberosReason {
        switch Int(code) {
        case Int(KRB5_KDC_UNREACH): .kdcUnreachable
        case Int(KRB5KRB_AP_ERR_SKEW), Int(KRB5_KDCREP_SKEW): .clockSkew
        case Int(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN), Int(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN): .unknownPrincipal
        case Int(KRB5_REALM_UNKNOWN), Int(KRB5_REALM_CANT_RESOLVE): .unknownRealm
        case Int(KRB5KDC_ERR_PREAUTH_FAILED), Int(KRB5KRB_AP_ERR_BAD_INTEGRITY), Int(KRB5_KT_NOTFOUND),
            Int(KRB5_KT_KVNONOTFOUND), Int(KRB5KDC_ERR_KEY_EXP), Int(KRB5KDC_ERR_CLIENT_REVOKED):
            initial ? .badKeytab : .failed
        case Int(KRB5KRB_AP_ERR_TKT_EXPIRED), Int(KRB5_CC_NOTFOUND), Int(KRB5_FCC_NOFILE), Int(KRB5_CC_END):
            .noTicket
        case Int(KRB5KDC_ERR_BADOPTION), Int(KRB5KDC_ERR_POLICY): .delegationRefused
        default: .failed
        }
    }

    private static func gssError(major: OM_uint32, minor: OM_uint32, host: String, doing: String) -> SSHError {
        let code = krb5_error_code(bitPattern: minor)
        var reason = minor == 0 ? .failed : Self.reason(for: code, initial: false)
        // GSS_S_NO_CRED, GSS_S_CREDENTIALS_EXPIRED (routine errors 7 and 11).
        let routine = (major >> 16) & 0xFF
        if reason == .failed, routine == 7 || routine == 11 { reason = .noTicket }
        let text = [statusText(major, type: GSS_C_GSS_CODE), statusText(minor, type: GSS_C_MECH_CODE)]
            .filter { !$0.isEmpty }.joined(separator: ": ")
        return SSHError(kerberos: reason, host: host, message: "\(doing): \(text)")
    }

    /// `gss_display_status` for one status value, all its messages joined.
    private static func statusText(_ status: OM_uint32, type: Int32) -> String {
        guard status != 0 else { return "" }
        var parts: [String] = []
        var more: OM_uint32 = 0
        repeat {
            var minor: OM_uint32 = 0
            var buffer = gss_buffer_desc(length: 0, value: nil)
            let major = gss_display_status(&minor, status, type, edca_gss_mech_krb5(), &more, &buffer)
            guard !isError(major) else { break }
            if let value = buffer.value {
                parts.append(
                    String(decoding: UnsafeRawBufferPointer(start: value, count: buffer.length), as: UTF8.self))
            }
            gss_release_buffer(&minor, &buffer)
        } while more != 0
        return parts.joined(separator: "; ")
    }

    private static func message(_ context: krb5_context, _ code: krb5_error_code) -> String {
        guard let text = krb5_get_error_message(context, code) else { return "error \(code)" }
        defer { krb5_free_error_message(context, text) }
        return String(cString: text)
    }

    private static func name(_ context: krb5_context, _ principal: krb5_principal) -> String {
        var text: UnsafeMutablePointer<CChar>?
        guard krb5_unparse_name(context, principal, &text) == 0, let text else { return "?" }
        defer { krb5_free_unparsed_name(context, text) }
        return String(cString: text)
    }
}

/// One run's GSSAPI credential handle (`gss_cred_id_t`), released with the run.
///
/// Not `Sendable`: created, lent to libssh and released on one pool thread.
final class GSSCredential {
    /// The handle, valid until this owner is released.
    let raw: gss_cred_id_t

    init(_ raw: gss_cred_id_t) {
        self.raw = raw
    }

    deinit {
        var minor: OM_uint32 = 0
        var handle: gss_cred_id_t? = raw
        gss_release_cred(&minor, &handle)
    }
}
