import CLibSSH

/// The one owner of an `ssh_key`: a server's public key or an imported private key.
///
/// Not `Sendable`: libssh does not document sharing a key between threads, so each key stays on the thread that
/// created it (private keys are imported once per pool thread).
final class KeyHandle {
    /// The key; valid until this owner is released.
    let raw: OpaquePointer

    /// Takes ownership of a key returned by `ssh_get_server_publickey` or `ssh_pki_import_privkey_*`.
    init(taking raw: OpaquePointer) {
        self.raw = raw
    }

    deinit {
        // libssh: keys handed out by ssh_get_server_publickey and ssh_pki_import_* belong to the caller, who must
        // release them with ssh_key_free (which also wipes private key material).
        ssh_key_free(raw)
    }
}

/// State that belongs to one pool thread and lives as long as it: the thread's copy of the private key.
final class WorkerContext {
    /// The thread's position in the pool, for diagnostics.
    let index: Int
    private var importedKey: KeyHandle?

    /// Creates the context on the thread that will own it.
    init(index: Int) {
        self.index = index
    }

    /// This thread's private key, imported from `material` on first use (`ssh_pki_import_privkey_base64`).
    func privateKey(from material: PrivateKeyMaterial) throws(SSHError) -> KeyHandle {
        if let importedKey { return importedKey }
        let key = try material.importKey()
        importedKey = key
        return key
    }
}
