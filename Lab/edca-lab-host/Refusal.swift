/// Why the simulated host stops before answering: one line for stderr and the exit status.
///
/// A refusal is either what Windows would print (cmd.exe, powershell.exe or the bootstrap, with CRLF like Windows)
/// or the simulator's own complaint about something it cannot or will not simulate, prefixed `edca-lab-host:`.
struct Refusal: Error {
    /// The line to write to stderr, without its line ending.
    let message: String
    /// The process exit status.
    let exitStatus: Int32
    /// The line ending: CRLF for text Windows would print, LF for the simulator's own messages.
    let lineEnding: String

    /// Text that cmd.exe, powershell.exe or the bootstrap would print, with the status they would exit with.
    static func windows(_ message: String, status: Int32) -> Refusal {
        Refusal(message: message, exitStatus: status, lineEnding: "\r\n")
    }

    /// The framed line the bootstrap or the probe writes when it cannot go on (`edca-probe: CODE: MESSAGE`), with
    /// exit status 3 (docs/probe-protocol.md §2.3).
    static func framed(_ code: String, _ message: String) -> Refusal {
        windows("edca-probe: \(code): \(message)", status: 3)
    }

    /// The simulator's own complaint about the command, the bootstrap or the payload (exit status 1 unless given).
    static func simulator(_ message: String, status: Int32 = 1) -> Refusal {
        Refusal(message: "edca-lab-host: " + message, exitStatus: status, lineEnding: "\n")
    }

    /// A problem with the simulator's own inputs (arguments, environment, lab file, snapshot): exit status 2.
    static func lab(_ message: String) -> Refusal {
        simulator(message, status: 2)
    }
}
