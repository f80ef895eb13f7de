import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

extension SSHTransportTests {
    /// Client keys: refused keys, passphrases, and what `SSHClient.init` rejects before any host is tried.
    @Suite("Authentication", .sharedSSHServer)
    struct Authentication {
        let server: SSHServerFixture

        init() throws {
            server = try SharedSSHServer.server()
        }

        @Test("a key the server does not know is an auth error")
        func wrongKeyRefused() async throws {
            let client = try SSHClient(options: server.options(identity: server.unauthorizedClientKeyPath), threads: 1)
            defer { client.shutdown() }

            let error = await runExpectingError(client, server.endpoint(), "true")

            #expect(error?.code == .auth)
            #expect(error?.host == server.host)
        }

        @Test("a wrong passphrase fails SSHClient.init with key-load, and no passphrase appears in the error")
        func wrongPassphrase() throws {
            var options = server.options(identity: server.encryptedClientKeyPath)
            options.passphraseFile = server.wrongPassphraseFilePath

            let error = initExpectingError(options)

            #expect(error?.code == .keyLoad)
            let text = error.map { "\($0) \($0.message)" } ?? ""
            #expect(!text.contains("not the passphrase"))
            #expect(!text.contains(SSHServerFixture.passphrase))
            #expect(text.contains(server.encryptedClientKeyPath))
        }

        @Test("an encrypted key without a passphrase file fails SSHClient.init with key-load")
        func missingPassphrase() throws {
            let error = initExpectingError(server.options(identity: server.encryptedClientKeyPath))

            #expect(error?.code == .keyLoad)
        }

        @Test("a missing key file, a missing passphrase file, or no credentials at all fail with key-load")
        func unreadableCredentials() throws {
            #expect(initExpectingError(server.options(identity: server.directory + "/no-such-key"))?.code == .keyLoad)

            var missingPassphrase = server.options(identity: server.encryptedClientKeyPath)
            missingPassphrase.passphraseFile = server.directory + "/no-such-passphrase"
            #expect(initExpectingError(missingPassphrase)?.code == .keyLoad)

            var nothing = server.options()
            nothing.identityFile = nil
            #expect(initExpectingError(nothing)?.code == .keyLoad)
        }
    }
}
