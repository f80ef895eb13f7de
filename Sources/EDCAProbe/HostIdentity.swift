package import EDCACore
import EDCAJSON

/// What describes a probed host, read from its registry: name, Windows build, Exchange version and role.
package struct HostIdentity: Sendable, Equatable {
    /// The NetBIOS computer name.
    package var computerName: String?
    /// The Windows product name, such as `Windows Server 2022 Standard`.
    package var windowsProduct: String?
    /// The Windows build, such as `20348.2340`.
    package var windowsBuild: String?
    /// The Exchange build from its setup values, such as `15.2.1544.4`.
    package var exchangeVersion: String?
    /// The Exchange role its setup keys show: Edge when the Edge Transport role is installed, else Mailbox when the
    /// Mailbox role is; nil when neither is (not an Exchange server, or the keys cannot be read).
    package var role: ExchangeRole?

    private static let computerNameKey = path(#"HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName"#)
    private static let windowsKey = path(#"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"#)
    private static let setupKey = path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup"#)
    private static let mailboxRoleKey = path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\MailboxRole"#)
    private static let edgeRoleKey = path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole"#)
    private static let versionValues = ["MsiProductMajor", "MsiProductMinor", "MsiBuildMajor", "MsiBuildMinor"]

    /// The reads every probe adds to describe the host.
    package static let reads: [FactRead] =
        [
            .value(computerNameKey, RegistryName("ComputerName")),
            .value(windowsKey, RegistryName("ProductName")),
            .value(windowsKey, RegistryName("CurrentBuildNumber")),
            .value(windowsKey, RegistryName("UBR")),
        ] + versionValues.map { .value(setupKey, RegistryName($0)) } + [.key(mailboxRoleKey), .key(edgeRoleKey)]

    /// Reads the identity from a snapshot that answers ``reads``.
    package init(snapshot: RegistrySnapshot) {
        func text(_ key: RegistryPath, _ name: String) -> String? {
            guard case .present(let value) = snapshot.value(RegistryName(name), in: key) else { return nil }
            return value.data.textValue ?? value.data.numericValue.map(String.init)
        }
        computerName = text(Self.computerNameKey, "ComputerName")
        windowsProduct = text(Self.windowsKey, "ProductName")
        windowsBuild = text(Self.windowsKey, "CurrentBuildNumber").map { build in
            text(Self.windowsKey, "UBR").map { "\(build).\($0)" } ?? build
        }
        let parts = Self.versionValues.compactMap { text(Self.setupKey, $0) }
        exchangeVersion = parts.count == Self.versionValues.count ? parts.joined(separator: ".") : nil
        if case .exists = snapshot.existence(of: Self.edgeRoleKey) {
            role = .edge
        } else if case .exists = snapshot.existence(of: Self.mailboxRoleKey) {
            role = .mailbox
        } else {
            role = nil
        }
    }

    private static func path(_ text: String) -> RegistryPath {
        guard let path = RegistryPath(text) else { preconditionFailure("invalid built-in key path \(text)") }
        return path
    }
}
