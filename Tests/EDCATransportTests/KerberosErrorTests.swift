import EDCATestSupport
import Testing

@testable import EDCATransport

/// The transport's Kerberos errors without a KDC: their reasons and their wording. The logons themselves are tested end
/// to end against a real KDC and sshd (`Tests/EndToEndTests/KerberosTests.swift`).
@Suite("Kerberos errors")
struct KerberosErrorTests {
    @Test(
        "MIT Kerberos error codes map to the stable reasons",
        arguments: [
            (-1_765_328_228, true, SSHError.KerberosReason.kdcUnreachable),  // KRB5_KDC_UNREACH
            (-1_765_328_347, false, .clockSkew),  // KRB5KRB_AP_ERR_SKEW
            (-1_765_328_236, true, .clockSkew),  // KRB5_KDCREP_SKEW
            (-1_765_328_378, true, .unknownPrincipal),  // KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN
            (-1_765_328_377, false, .unknownPrincipal),  // KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN
            (-1_765_328_164, true, .unknownRealm),  // KRB5_REALM_CANT_RESOLVE
            (-1_765_328_360, true, .badKeytab),  // KRB5KDC_ERR_PREAUTH_FAILED, getting the TGT
            (-1_765_328_360, false, .failed),  // the same, for a service ticket: not the keytab's fault
            (-1_765_328_352, false, .noTicket),  // KRB5KRB_AP_ERR_TKT_EXPIRED
            (-1_765_328_371, false, .delegationRefused),  // KRB5KDC_ERR_BADOPTION (forwarding refused)
            (12345, false, .failed),
        ])
    func reasons(code: Int32, initial: Bool, reason: SSHError.KerberosReason) {
        #expect(KerberosCredentials.reason(for: code, initial: initial) == reason)
    }

    @Test("An error names its reason after the code; errors before any host say so")
    func wording() {
        let setup = SSHError(
            kerberos: .badKeytab, host: "", message: "cannot read keytab /k: No such file or directory")
        #expect(
            setup.description
                == "SSH setup failed (kerberos:bad-keytab): cannot read keytab /k: No such file or directory")
        let host = SSHError(kerberos: .kdcUnreachable, host: "mbx01", message: "no KDC")
        #expect(host.description == "SSH to mbx01 failed (kerberos:kdc-unreachable): no KDC")
        #expect(host.code.rawValue == "kerberos")
        #expect(SSHError(.auth, host: "mbx01", message: "refused").description == "SSH to mbx01 failed (auth): refused")
    }

    @Test("A missing keytab or credential cache fails the client's setup, before any host")
    func missingFiles() throws {
        let directory = try TemporaryDirectory()
        for (source, reason) in [
            (KerberosSource.keytab(path: directory.path + "/none.keytab", principal: nil), "bad-keytab"),
            (.credentialCache(path: directory.path + "/none.ccache"), "no-ticket"),
        ] {
            let options = SSHOptions(knownHostsPath: "/dev/null", kerberos: KerberosOptions(source: source))
            #expect {
                _ = try SSHClient(options: options, threads: 1)
            } throws: { error in
                guard let error = error as? SSHError else { return false }
                return error.code == .kerberos && error.host.isEmpty
                    && error.description.hasPrefix("SSH setup failed (kerberos:\(reason))")
                    && error.description.contains(directory.path)
            }
        }
    }
}
