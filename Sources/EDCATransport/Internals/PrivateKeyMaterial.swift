import CLibSSH
import Glibc

/// The client's private key, decrypted once per run and kept unencrypted in memory (never on disk).
///
/// Decrypting a passphrase-protected key costs about 100 ms of CPU (bcrypt-pbkdf), so it happens once, in
/// `SSHClient.init`. Each pool thread then imports its own `ssh_key` from this copy in microseconds.
final class PrivateKeyMaterial: Sendable {
    /// The key in unencrypted OpenSSH/PEM base64 form, as `ssh_pki_export_privkey_base64` wrote it.
    private let base64: SecretBytes
    /// The key file's path, for messages.
    let path: String

    /// Reads and decrypts the key file. Calls `ssh_pki_import_privkey_file` and `ssh_pki_export_privkey_base64`.
    ///
    /// - Throws: `key-load` if the key or passphrase file cannot be read, or the passphrase is wrong. Messages name the
    ///   files, never their contents.
    init(path: String, passphraseFile: String?) throws(SSHError) {
        self.path = path
        guard access(path, R_OK) == 0 else {
            throw SSHError(.keyLoad, host: "", message: "cannot read private key file \(path): \(errnoText())")
        }
        // Never NULL: with a NULL passphrase and no callback, OpenSSL would prompt for a PEM key's passphrase on the
        // terminal. An empty passphrase is ignored for unencrypted keys.
        let passphrase =
            try passphraseFile.map { (file) throws(SSHError) in try Self.readPassphrase(file) }
            ?? SecretBytes(copying: UnsafeRawBufferPointer(start: nil, count: 0))
        var key: ssh_key?
        let status = path.withCString { file in
            passphrase.withCString { secret in ssh_pki_import_privkey_file(file, secret, nil, nil, &key) }
        }
        guard status == SSH_OK, let key else {
            let why =
                passphraseFile == nil
                ? "it is passphrase-protected (give a passphrase file) or not a supported private key"
                : "wrong passphrase, or not a supported private key"
            throw SSHError(.keyLoad, host: "", message: "cannot load private key \(path): \(why)")
        }
        let decrypted = KeyHandle(taking: key)
        var exported: UnsafeMutablePointer<CChar>?
        guard ssh_pki_export_privkey_base64(decrypted.raw, nil, nil, nil, &exported) == SSH_OK, let exported else {
            throw SSHError(.keyLoad, host: "", message: "cannot keep private key \(path) in memory (export failed)")
        }
        let length = strlen(exported)
        base64 = SecretBytes(copying: UnsafeRawBufferPointer(start: exported, count: length))
        explicit_bzero(exported, length)
        // libssh: strings returned by ssh_pki_export_privkey_base64 are freed with ssh_string_free_char, not free().
        ssh_string_free_char(exported)
        // Prove now, not on the first host, that the in-memory copy imports.
        _ = try importKey()
    }

    /// Imports a fresh `ssh_key` from the in-memory copy (`ssh_pki_import_privkey_base64`); the calling thread owns
    /// it.
    func importKey() throws(SSHError) -> KeyHandle {
        var key: ssh_key?
        let status = base64.withCString { ssh_pki_import_privkey_base64($0, nil, nil, nil, &key) }
        guard status == SSH_OK, let key else {
            throw SSHError(.keyLoad, host: "", message: "cannot import the in-memory copy of private key \(path)")
        }
        return KeyHandle(taking: key)
    }

    /// Reads the first line of a passphrase file, without its line ending.
    private static func readPassphrase(_ path: String) throws(SSHError) -> SecretBytes {
        let limit = 4096
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SSHError(.keyLoad, host: "", message: "cannot read passphrase file \(path): \(errnoText())")
        }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 1)
        defer {
            if let base = buffer.baseAddress { explicit_bzero(base, limit) }
            buffer.deallocate()
        }
        guard let base = buffer.baseAddress else { preconditionFailure("allocation of \(limit) bytes has an address") }
        var total = 0
        while total < limit {
            let count = read(descriptor, base + total, limit - total)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw SSHError(.keyLoad, host: "", message: "cannot read passphrase file \(path): \(errnoText())")
            }
            if count == 0 { break }
            total += count
        }
        var length = buffer[..<total].firstIndex(of: UInt8(ascii: "\n")) ?? total
        if length > 0, buffer[length - 1] == UInt8(ascii: "\r") { length -= 1 }
        return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: buffer[..<length]))
    }
}

/// `strerror(errno)` as a String.
func errnoText() -> String {
    String(cString: strerror(errno))
}
