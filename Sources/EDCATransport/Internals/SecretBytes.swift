import Glibc

/// A NUL-terminated secret (a passphrase, or an unencrypted private key in base64) that is wiped when released.
///
/// `@unchecked Sendable`: the bytes are written once in `init` and only read afterwards; `deinit` runs when no
/// reference (and so no reader) is left.
final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<CChar>

    /// Copies `count` bytes from `source` and appends a NUL.
    init(copying source: UnsafeRawBufferPointer) {
        storage = .allocate(capacity: source.count + 1)
        storage.initialize(repeating: 0)
        for (index, byte) in source.enumerated() {
            storage[index] = CChar(bitPattern: byte)
        }
    }

    deinit {
        if let base = storage.baseAddress {
            explicit_bzero(base, storage.count)
        }
        storage.deallocate()
    }

    /// The number of secret bytes, not counting the NUL.
    var count: Int { storage.count - 1 }

    /// Calls `body` with the secret as a C string; the pointer is valid only inside `body`.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        guard let base = storage.baseAddress else { preconditionFailure("a secret always has its NUL terminator") }
        return body(base)
    }
}
