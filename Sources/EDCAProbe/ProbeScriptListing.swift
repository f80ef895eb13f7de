/// What `probe --print-script` prints: everything that would run on the server, readable, without connecting.
package enum ProbeScriptListing {
    /// The command line, the decoded bootstrap, the probe script and the payload exactly as sent.
    package static func text(for request: ProbeRequest) -> String {
        """
        # 1. The command line, sent as the SSH exec request (the same for every host and run):
        \(ProbeScripts.commandLine)

        # 2. The bootstrap: the -EncodedCommand text decoded (base64 of UTF-16LE). It reads the payload (4) from
        #    standard input and runs its "script" only if the script's SHA-256 is \(ProbeScripts.probeSHA256).
        #    What cannot work ends with a line "edca-probe: CODE: MESSAGE" on stderr and exit status 3.
        \(ProbeScripts.bootstrap)

        # 3. The probe script, as carried in the payload's "script" member. It changes nothing: it reads what the
        #    payload's reads (4) name from fixed allow-lists: registry values (through .NET in Full Language, the
        #    registry provider's cmdlets in Constrained Language Mode), services, CIM classes, certificate stores,
        #    XML attributes, folders and their ACLs under allow-listed roots, the TLS cipher suites and, when a
        #    control needs them, the Exchange stage's Get-* cmdlets (section 6 of docs/probe-protocol.md).
        \(ProbeScripts.probe)

        # 4. The payload, written to standard input exactly as below (the nonce is new for every run).
        #    To run the probe by hand on a server: save this JSON as payload.json, then in cmd.exe run the command
        #    line (1) with standard input from the file:  powershell.exe ... -EncodedCommand ... < payload.json
        \(String(decoding: request.payload(), as: UTF8.self))
        """
    }
}
