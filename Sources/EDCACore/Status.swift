/// The verdict of one control on one host.
package enum Status: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The host meets the control.
    case pass = "Pass"
    /// The host does not meet the control.
    case fail = "Fail"
    /// The facts the control needs are missing, unreadable or of an unexpected type.
    case unknown = "Unknown"
    /// The control does not apply to this host (for example an Edge-only control on a Mailbox server).
    case skipped = "Skipped"
    /// Collection from the host failed.
    case error = "Error"

    package var description: String { rawValue }
}

/// The Exchange server role a control applies to.
package enum ExchangeRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A Mailbox server (which includes the client access services).
    case mailbox = "Mailbox"
    /// An Edge Transport server.
    case edge = "Edge"

    package var description: String { rawValue }
}
