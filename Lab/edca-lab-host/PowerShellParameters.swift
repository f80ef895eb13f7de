/// powershell.exe's own parameter parsing (Windows PowerShell 5.1), as far as the probe's command line needs it.
///
/// Parameter names ignore case, start with `-` or `/` (a second `-` is allowed), and may be abbreviated down to
/// the shortest prefix powershell.exe accepts (`-nop`, `-nol`, `-noni`, `-e`/`-ec`/`-enc`, `-ex`/`-ep`), checked in
/// powershell.exe's own order. As in 5.1, the first word that is not a known parameter starts a command to run.
///
/// Command-line errors exit with 64, as PowerShell 6+ does; Windows PowerShell 5.1 exits with 0xFFFD0000, which a
/// Linux process cannot return.
enum PowerShellParameters {
    /// The exit status of a command-line error.
    static let badParameterStatus: Int32 = 64

    /// What a recognized parameter is.
    private enum Parameter {
        /// `-NoProfile`.
        case noProfile
        /// `-NoLogo`.
        case noLogo
        /// `-NonInteractive`.
        case nonInteractive
        /// `-Sta`: single-threaded apartment (the default); exclusive with `-Mta`.
        case sta
        /// `-Mta`: multi-threaded apartment; exclusive with `-Sta`.
        case mta
        /// `-ExecutionPolicy POLICY`: accepted, and without effect on `-EncodedCommand`.
        case executionPolicy
        /// `-WindowStyle STYLE`.
        case windowStyle
        /// `-InputFormat Text|XML`.
        case inputFormat
        /// `-OutputFormat Text|XML`.
        case outputFormat
        /// `-EncodedCommand BASE64`: the command, base64 of UTF-16LE text.
        case encodedCommand
        /// `-Command TEXT` or `-Command -`.
        case command
        /// `-File PATH` or `-File -`.
        case file
        /// A parameter powershell.exe knows that the simulator does not simulate (`-NoExit`, `-Help`, ...).
        case notSimulated
    }

    /// The parameters in the order powershell.exe tries them: full name, shortest accepted prefix, meaning.
    private static let parameters: [(name: String, shortest: String, meaning: Parameter)] = [
        ("help", "h", .notSimulated), ("?", "?", .notSimulated), ("noexit", "noe", .notSimulated),
        ("importsystemmodules", "imp", .notSimulated), ("noprofile", "nop", .noProfile), ("nologo", "nol", .noLogo),
        ("noninteractive", "noni", .nonInteractive), ("socketservermode", "so", .notSimulated),
        ("servermode", "s", .notSimulated), ("namedpipeservermode", "nam", .notSimulated),
        ("configurationname", "config", .notSimulated), ("command", "c", .command),
        ("windowstyle", "w", .windowStyle), ("file", "f", .file), ("outputformat", "o", .outputFormat),
        ("of", "o", .outputFormat), ("inputformat", "i", .inputFormat), ("if", "i", .inputFormat),
        ("executionpolicy", "ex", .executionPolicy), ("ep", "ep", .executionPolicy),
        ("encodedcommand", "e", .encodedCommand), ("ec", "e", .encodedCommand),
        ("encodedarguments", "encodeda", .notSimulated), ("ea", "ea", .notSimulated), ("sta", "s", .sta),
        ("mta", "mta", .mta), ("version", "version", .notSimulated), ("psconsolefile", "psconsolefile", .notSimulated),
    ]

    /// The message powershell.exe prints when `-Command` or `-EncodedCommand` has no value.
    private static let missingCommand =
        "Cannot process the command because of a missing parameter. A command must follow -Command."

    /// The message powershell.exe prints when `-File` has no value.
    private static let missingFile =
        "Cannot process the command because of a missing parameter. A file must follow -File."

    /// The message powershell.exe prints when a second command is given.
    private static let commandAlreadySpecified =
        "Cannot process command because a command is already specified with -Command or -EncodedCommand."

    /// The decoded `-EncodedCommand` text (the bootstrap) of powershell.exe's arguments.
    ///
    /// - Throws: A ``Refusal`` with powershell.exe's message for what it refuses, or the simulator's for what it
    ///   would run but the probe must not use (`-Command -`, `-File -`, no `-EncodedCommand`) or that is not
    ///   simulated; also for any argument after `-EncodedCommand`'s value (the probe's command line ends there).
    static func encodedCommand(of arguments: [String]) throws(Refusal) -> String {
        var decoded: String?
        var apartmentGiven = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let trimmed = argument.trimmingBlanks()
            index += 1
            if trimmed.isEmpty { continue }
            guard let parameter = recognize(trimmed) else {
                if decoded != nil { throw Refusal.windows(commandAlreadySpecified, status: badParameterStatus) }
                throw commandRefusal(startingWith: trimmed)
            }
            if decoded != nil {
                throw Refusal.simulator(
                    "'\(argument)' after -EncodedCommand's value: the probe's command line ends with that value")
            }
            switch parameter {
            case .noProfile, .noLogo, .nonInteractive:
                break
            case .sta, .mta:
                if apartmentGiven {
                    throw Refusal.windows(
                        "The -STA and -MTA parameters are mutually exclusive. Specify only one.",
                        status: badParameterStatus)
                }
                apartmentGiven = true
            case .executionPolicy:
                _ = try value(after: arguments, &index, missing: "Missing policy after -ExecutionPolicy.")
            case .windowStyle:
                let style = try value(after: arguments, &index, missing: "Missing argument after -WindowStyle.")
                guard ["normal", "hidden", "minimized", "maximized"].contains(style.lowercased()) else {
                    throw Refusal.windows(
                        "Invalid argument '\(style)' for -WindowStyle. Specify Normal, Hidden, Minimized or Maximized.",
                        status: badParameterStatus)
                }
            case .inputFormat, .outputFormat:
                try checkFormat(of: trimmed, arguments, &index)
            case .encodedCommand:
                let text = try value(after: arguments, &index, missing: missingCommand)
                decoded = try decodeCommand(text)
            case .command, .file:
                let missing = parameter == .command ? missingCommand : missingFile
                let target = try value(after: arguments, &index, missing: missing)
                if target == "-" {
                    throw Refusal.simulator(
                        "'\(argument) -' reads standard input as typed lines (REPL semantics); the probe must not use it"
                    )
                }
                throw Refusal.simulator(
                    "'\(argument)' is not simulated: the probe runs its bootstrap with -EncodedCommand")
            case .notSimulated:
                throw Refusal.simulator("powershell.exe '\(argument)' is not simulated")
            }
        }
        guard let decoded else {
            throw Refusal.simulator(
                "no -EncodedCommand: powershell.exe would read commands from standard input (REPL semantics)")
        }
        return decoded
    }

    /// The parameter an argument names, or nil when it is not a parameter (then powershell.exe runs it).
    private static func recognize(_ argument: Substring) -> Parameter? {
        var key = Substring(argument.lowercased())
        guard let first = key.first, isDash(first) || first == "/" else { return nil }
        key = key.dropFirst()
        if let second = key.first, isDash(second) { key = key.dropFirst() }
        guard !key.isEmpty else { return nil }
        for parameter in parameters where parameter.name.hasPrefix(key) && key.count >= parameter.shortest.count {
            return parameter.meaning
        }
        return nil
    }

    /// Whether a character is one of the dashes PowerShell accepts before a parameter name.
    private static func isDash(_ character: Character) -> Bool {
        ["-", "\u{2013}", "\u{2014}", "\u{2015}"].contains(character)
    }

    /// What powershell.exe does with a word that is not a parameter: it runs the rest of the line as a command.
    private static func commandRefusal(startingWith word: Substring) -> Refusal {
        guard word.first == "-" || word.first == "/" else {
            return Refusal.simulator(
                "powershell.exe would run '\(word)' as a command (-Command); the probe uses -EncodedCommand")
        }
        return Refusal.windows(
            "\(word) : The term '\(word)' is not recognized as the name of a cmdlet, function, script file, or operable "
                + "program. Check the spelling of the name, or if a path was included, verify that the path is correct "
                + "and try again.",
            status: 1)
    }

    /// The argument after a parameter, which becomes its value.
    private static func value(
        after arguments: [String], _ index: inout Int, missing: String
    ) throws(Refusal) -> String {
        guard index < arguments.count else { throw Refusal.windows(missing, status: badParameterStatus) }
        index += 1
        return arguments[index - 1]
    }

    /// Checks an `-InputFormat`/`-OutputFormat` value: Text is what the probe expects, XML is not simulated.
    private static func checkFormat(
        of parameter: Substring, _ arguments: [String], _ index: inout Int
    ) throws(Refusal) {
        let missing = "Missing format after \(parameter). Specify Text or XML."
        let format = try value(after: arguments, &index, missing: missing)
        switch format.lowercased() {
        case "text": return
        case "xml": throw Refusal.simulator("'\(parameter) XML' is not simulated")
        default:
            throw Refusal.windows(
                "Cannot process the command because the value '\(format)' specified with \(parameter) is not valid. "
                    + "Specify Text or XML.",
                status: badParameterStatus)
        }
    }

    /// Decodes an `-EncodedCommand` value: base64 of UTF-16LE text.
    private static func decodeCommand(_ text: String) throws(Refusal) -> String {
        guard let bytes = Encodings.base64Decode(text), !bytes.isEmpty, bytes.count.isMultiple(of: 2) else {
            throw Refusal.windows(
                "Cannot process the command because the value specified with -EncodedCommand is not properly encoded. "
                    + "The value must be Base64 encoded.",
                status: badParameterStatus)
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        for pair in stride(from: 0, to: bytes.count, by: 2) {
            units.append(UInt16(bytes[pair]) | UInt16(bytes[pair + 1]) << 8)
        }
        return String(decoding: units, as: UTF16.self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs, as .NET's `Trim` would leave a command-line word.
    func trimmingBlanks() -> Substring {
        let text = Substring(self)
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return text[first...last]
    }
}
