/// The server's OpenSSH `DefaultShell`: the program Win32-OpenSSH runs an exec request's command with.
enum DefaultShell: String {
    /// cmd.exe, the default: the server runs the line `"C:\Windows\system32\cmd.exe" /c "<command>"`.
    case cmd
    /// Windows PowerShell: the server starts powershell.exe with the two arguments `-c` and `<command>`.
    case powershell
}

/// How the outer shell turns the SSH command into powershell.exe's arguments, refusing what it would not run
/// as the probe's constant command line.
///
/// Only `powershell.exe` (or its full path) followed by arguments is accepted. Characters the outer shell would
/// interpret (cmd.exe's `% & | < > ^`, PowerShell's `; & | $` and the like) are refused rather than interpreted:
/// the probe's command line has none, and a command that needs them would not work under both shells.
enum OuterShell {
    /// The longest command line cmd.exe runs, in UTF-16 code units.
    static let cmdLineLimit = 8191
    /// The longest command line `CreateProcess` accepts, in UTF-16 code units.
    static let createProcessLimit = 32_767
    /// The program names accepted, lowercased: the bare name and the full path of Windows PowerShell 5.1.
    static let powerShellNames = ["powershell.exe", #"c:\windows\system32\windowspowershell\v1.0\powershell.exe"#]

    /// The arguments powershell.exe receives (its own name left out) when a server with `shell` as DefaultShell
    /// runs `command`.
    ///
    /// - Throws: A ``Refusal`` with cmd.exe's or PowerShell's message when they would refuse the command, or the
    ///   simulator's when they would do something other than start powershell.exe.
    static func powerShellArguments(command: String, shell: DefaultShell) throws(Refusal) -> [String] {
        try checkCharacters(of: command)
        switch shell {
        case .cmd:
            return try argumentsUnderCmd(command)
        case .powershell:
            return try argumentsUnderPowerShell(command)
        }
    }

    /// Refuses control characters (cmd.exe stops at a line break) and non-ASCII text (the probe's command is ASCII).
    private static func checkCharacters(of command: String) throws(Refusal) {
        for scalar in command.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F {
                throw Refusal.simulator(
                    "the command contains control character U+\(hex4(scalar.value)); cmd.exe would cut it there")
            }
            if scalar.value > 0x7F {
                throw Refusal.simulator("the command contains non-ASCII character U+\(hex4(scalar.value))")
            }
        }
    }

    /// cmd.exe: the length limit, its operators, then the program and its arguments as a Windows program sees them.
    private static func argumentsUnderCmd(_ command: String) throws(Refusal) -> [String] {
        let line = #""C:\Windows\system32\cmd.exe" /c ""# + command + "\""
        if line.utf16.count > cmdLineLimit {
            throw Refusal.windows("The command line is too long.", status: 1)
        }
        var quoted = false
        for character in command.unicodeScalars {
            if character == "\"" {
                quoted.toggle()
            } else if character == "%" || !quoted && "&|<>^".unicodeScalars.contains(character) {
                throw Refusal.simulator("cmd.exe would interpret '\(character)' in the command")
            }
        }
        let words = windowsArguments(command)
        guard let program = words.first else { throw Refusal.simulator("the command is empty") }
        guard powerShellNames.contains(program.lowercased()) else {
            throw Refusal.windows(
                "'\(program)' is not recognized as an internal or external command, operable program or batch file.",
                status: 1)
        }
        return Array(words.dropFirst())
    }

    /// PowerShell as DefaultShell: the command is PowerShell source, run by `powershell.exe -c`.
    private static func argumentsUnderPowerShell(_ command: String) throws(Refusal) -> [String] {
        let line = #""C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -c ""# + command + "\""
        if line.utf16.count > createProcessLimit {
            throw Refusal.windows("The filename or extension is too long.", status: 1)
        }
        let words = try powerShellWords(command)
        guard let program = words.first else { throw Refusal.simulator("the command is empty") }
        if program.startsWithQuote {
            throw Refusal.simulator(
                "the outer PowerShell would read the quoted program name as a string, not run it")
        }
        guard powerShellNames.contains(program.text.lowercased()) else {
            throw Refusal.windows(
                "\(program.text) : The term '\(program.text)' is not recognized as the name of a cmdlet, function, "
                    + "script file, or operable program. Check the spelling of the name, or if a path was included, "
                    + "verify that the path is correct and try again.",
                status: 1)
        }
        return words.dropFirst().map(\.text)
    }

    /// One word of a PowerShell command in argument mode, with its quotes removed.
    private struct PowerShellWord {
        /// The word's text.
        var text = ""
        /// Whether the word starts with a quote (then PowerShell reads it as a string expression).
        var startsWithQuote = false
    }

    /// Splits a PowerShell command into words, refusing every character PowerShell would give a meaning to.
    private static func powerShellWords(_ command: String) throws(Refusal) -> [PowerShellWord] {
        let scalars = Array(command.unicodeScalars)
        var words: [PowerShellWord] = []
        var word: PowerShellWord?
        var index = 0
        while index < scalars.count {
            let character = scalars[index]
            index += 1
            switch character {
            case " ", "\t":
                if let finished = word { words.append(finished) }
                word = nil
            case "'", "\"":
                var current = word ?? PowerShellWord(startsWithQuote: true)
                current.text += try quotedText(scalars, closing: character, index: &index)
                word = current
            case ";", "&", "|", "$", "`", "(", ")", "{", "}", "<", ">", ",", "@", "#":
                throw Refusal.simulator("the outer PowerShell would interpret '\(character)' in the command")
            default:
                var current = word ?? PowerShellWord()
                current.text.unicodeScalars.append(character)
                word = current
            }
        }
        if let finished = word { words.append(finished) }
        return words
    }

    /// The text of a quoted PowerShell string whose opening quote was just read; a doubled quote is one quote.
    ///
    /// A double-quoted string may not contain `$` or a backtick, which PowerShell would expand.
    private static func quotedText(
        _ scalars: [Unicode.Scalar], closing quote: Unicode.Scalar, index: inout Int
    ) throws(Refusal) -> String {
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let character = scalars[index]
            index += 1
            if character == quote {
                guard index < scalars.count, scalars[index] == quote else { return String(text) }
                index += 1
            } else if quote == "\"" && (character == "$" || character == "`") {
                throw Refusal.simulator(
                    "the outer PowerShell would expand '\(character)' inside a double-quoted string in the command")
            }
            text.append(character)
        }
        throw Refusal.windows("The string is missing the terminator: \(quote).", status: 1)
    }

    /// Splits a command line into arguments as the Microsoft C runtime (and .NET) does for a Windows program.
    ///
    /// Blanks separate arguments outside double quotes; `""` inside quotes is a literal quote; backslashes are
    /// literal except before a quote, where each pair is one backslash and an odd one escapes the quote.
    static func windowsArguments(_ line: String) -> [String] {
        let scalars = Array(line.unicodeScalars)
        var arguments: [String] = []
        var current = String.UnicodeScalarView()
        var hasArgument = false
        var quoted = false
        var index = 0
        while index < scalars.count {
            let character = scalars[index]
            switch character {
            case "\\":
                var backslashes = 0
                while index < scalars.count && scalars[index] == "\\" {
                    backslashes += 1
                    index += 1
                }
                let beforeQuote = index < scalars.count && scalars[index] == "\""
                let kept = beforeQuote ? backslashes / 2 : backslashes
                current.append(contentsOf: repeatElement("\\", count: kept))
                if beforeQuote && backslashes % 2 == 1 {
                    current.append("\"")
                    index += 1
                }
                hasArgument = true
                continue
            case "\"":
                if quoted && index + 1 < scalars.count && scalars[index + 1] == "\"" {
                    current.append("\"")
                    index += 1
                } else {
                    quoted.toggle()
                }
                hasArgument = true
            case " ", "\t":
                if quoted {
                    current.append(character)
                } else if hasArgument {
                    arguments.append(String(current))
                    current = String.UnicodeScalarView()
                    hasArgument = false
                }
            default:
                current.append(character)
                hasArgument = true
            }
            index += 1
        }
        if hasArgument { arguments.append(String(current)) }
        return arguments
    }

    /// A code point as four or more uppercase hexadecimal digits.
    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
