import Testing

@testable import edca_lab_host

/// The `-EncodedCommand` value of ``CommandLineTests/bootstrap``.
private let encodedBootstrap = CommandLineTests.encoded(CommandLineTests.bootstrap)

/// The outer shell (cmd.exe or PowerShell as DefaultShell) and powershell.exe's parameter parsing.
@Suite struct CommandLineTests {
    /// `-EncodedCommand`'s value for a text: base64 of its UTF-16LE bytes.
    static func encoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var output = ""
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start..<min(start + 3, bytes.count)]) + [0, 0]
            let value = UInt32(chunk[0]) << 16 | UInt32(chunk[1]) << 8 | UInt32(chunk[2])
            let count = min(3, bytes.count - start) + 1
            for index in 0..<4 {
                output.append(index < count ? alphabet[Int(value >> UInt32(18 - 6 * index) & 0x3F)] : "=")
            }
        }
        return output
    }

    static let bootstrap = "$in = [Console]::In.ReadToEnd()"
    static let probeLine = "powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand " + encoded(bootstrap)

    /// The refusal thrown by `body`, or nil when it does not throw.
    static func refusal(_ body: () throws -> Void) -> Refusal? {
        do {
            try body()
            return nil
        } catch {
            return error as? Refusal
        }
    }

    // MARK: Windows argument splitting (Microsoft's documented examples)

    @Test(arguments: [
        (#""abc" d e"#, ["abc", "d", "e"]),
        (#"a\\\b d"e f"g h"#, [#"a\\\b"#, "de fg", "h"]),
        (#"a\\\"b c d"#, [#"a\"b"#, "c", "d"]),
        (#"a\\\\"b c" d e"#, [#"a\\b c"#, "d", "e"]),
        (#"a"b"" c d"#, [#"ab" c d"#]),
        ("  spaced\targs  ", ["spaced", "args"]),
        (#""""#, [""]),
    ])
    func windowsArgumentSplitting(line: String, arguments: [String]) {
        #expect(OuterShell.windowsArguments(line) == arguments)
    }

    // MARK: The outer shell

    @Test(arguments: [DefaultShell.cmd, .powershell])
    func acceptsTheProbeLine(shell: DefaultShell) throws {
        let arguments = try OuterShell.powerShellArguments(command: Self.probeLine, shell: shell)
        #expect(
            arguments == ["-NoLogo", "-NoProfile", "-NonInteractive", "-EncodedCommand", Self.encoded(Self.bootstrap)])
    }

    @Test func cmdRefusesLinesOver8191Characters() throws {
        let prefix = #""C:\Windows\system32\cmd.exe" /c ""#.utf16.count + 1
        let fitting = Self.probeLine + String(repeating: " ", count: 8191 - prefix - Self.probeLine.utf16.count)
        _ = try OuterShell.powerShellArguments(command: fitting, shell: .cmd)
        let refusal = Self.refusal { _ = try OuterShell.powerShellArguments(command: fitting + " ", shell: .cmd) }
        #expect(refusal?.message == "The command line is too long.")
        #expect(refusal?.exitStatus == 1)
        _ = try OuterShell.powerShellArguments(command: fitting + " ", shell: .powershell)
    }

    @Test(arguments: [
        (DefaultShell.cmd, " & whoami", "cmd.exe would interpret '&'"),
        (.cmd, " | more", "cmd.exe would interpret '|'"),
        (.cmd, " %PATH%", "cmd.exe would interpret '%'"),
        (.cmd, " > out.txt", "cmd.exe would interpret '>'"),
        (.powershell, "; whoami", "would interpret ';'"),
        (.powershell, " & whoami", "would interpret '&'"),
        (.powershell, " | Out-Null", "would interpret '|'"),
        (.powershell, " $x", "would interpret '$'"),
        (.powershell, " `n", "would interpret '`'"),
        (.powershell, " 'open", "The string is missing the terminator: '."),
        (.powershell, " \"open", "The string is missing the terminator: \"."),
        (.powershell, " \"$x\"", "would expand '$'"),
        (.cmd, "\nwhoami", "control character U+000A"),
    ])
    func refusesWhatTheOuterShellWouldInterpret(shell: DefaultShell, suffix: String, message: String) {
        let refusal = Self.refusal {
            _ = try OuterShell.powerShellArguments(command: Self.probeLine + suffix, shell: shell)
        }
        #expect(refusal?.message.contains(message) == true, "\(String(describing: refusal))")
        #expect(refusal?.exitStatus == 1)
    }

    @Test func cmdAllowsOperatorsInsideQuotes() throws {
        let arguments = try OuterShell.powerShellArguments(command: #"powershell.exe "-a&b""#, shell: .cmd)
        #expect(arguments == ["-a&b"])
    }

    @Test func powerShellRemovesQuotes() throws {
        let arguments = try OuterShell.powerShellArguments(
            command: #"powershell.exe '-NoProfile' "-NoLogo" -e'AB''C'"#, shell: .powershell)
        #expect(arguments == ["-NoProfile", "-NoLogo", "-eAB'C"])
    }

    @Test(arguments: [DefaultShell.cmd, .powershell])
    func acceptsTheFullPathInAnyCase(shell: DefaultShell) throws {
        let command = #"C:\WINDOWS\System32\WindowsPowerShell\v1.0\PowerShell.exe -nop"#
        #expect(try OuterShell.powerShellArguments(command: command, shell: shell) == ["-nop"])
    }

    @Test func refusesOtherPrograms() {
        let underCmd = Self.refusal { _ = try OuterShell.powerShellArguments(command: "pwsh.exe -nop", shell: .cmd) }
        #expect(
            underCmd?.message
                == "'pwsh.exe' is not recognized as an internal or external command, operable program or batch file.")
        let underPowerShell = Self.refusal {
            _ = try OuterShell.powerShellArguments(command: "cmd.exe /c ver", shell: .powershell)
        }
        #expect(underPowerShell?.message.hasPrefix("cmd.exe : The term 'cmd.exe' is not recognized") == true)
        let quoted = Self.refusal {
            _ = try OuterShell.powerShellArguments(command: #""powershell.exe" -nop"#, shell: .powershell)
        }
        #expect(quoted?.message.contains("quoted program name") == true)
    }

    // MARK: powershell.exe's parameters

    @Test(arguments: [
        ["-NoLogo", "-NoProfile", "-NonInteractive", "-EncodedCommand"],
        ["-nol", "-nop", "-noni", "-enc"], ["/nologo", "--noprofile", "-e"], ["-NOPROFILE", "-ec"],
        ["-ExecutionPolicy", "Bypass", "-encodedc"], ["-ep", "RemoteSigned", "-sta", "-EncodedCommand"],
        ["-InputFormat", "Text", "-of", "TEXT", "-WindowStyle", "hidden", "-EncodedCommand"],
        ["", "  -nop  ", "-EncodedCommand"],
    ])
    func acceptsParametersAndAbbreviations(parameters: [String]) throws {
        let text = try PowerShellParameters.encodedCommand(of: parameters + [Self.encoded(Self.bootstrap)])
        #expect(text == Self.bootstrap)
    }

    @Test(arguments: [
        (["-Foo", "-EncodedCommand", encodedBootstrap], "-Foo : The term '-Foo' is not recognized", Int32(1)),
        (["-no", "-EncodedCommand", encodedBootstrap], "-no : The term '-no' is not recognized", 1),
        (["-EncodedCommand"], "A command must follow -Command.", 64),
        (["-EncodedCommand", "abc!"], "The value must be Base64 encoded.", 64),
        (["-EncodedCommand", "YWJj"], "The value must be Base64 encoded.", 64),
        (["-EncodedCommand", encodedBootstrap, "-NoProfile"], "after -EncodedCommand's value", 1),
        (["-EncodedCommand", encodedBootstrap, "x"], "a command is already specified", 64),
        (["-NoProfile", "-Command", "-"], "REPL semantics", 1),
        (["-File", "-"], "REPL semantics", 1),
        (["-c", "Get-Date"], "is not simulated", 1),
        (["-File"], "A file must follow -File.", 64),
        (["-NoExit", "-EncodedCommand", encodedBootstrap], "'-NoExit' is not simulated", 1),
        (["-OutputFormat", "XML", "-EncodedCommand", encodedBootstrap], "is not simulated", 1),
        (["-InputFormat", "Yaml"], "is not valid", 64),
        (["-WindowStyle", "Tiny"], "-WindowStyle", 64),
        (["-sta", "-mta"], "mutually exclusive", 64),
        (["-NoProfile"], "no -EncodedCommand", 1),
        (["Get-Date"], "would run 'Get-Date' as a command", 1),
    ])
    func refusesWhatPowerShellRefusesOrTheProbeMustNotUse(arguments: [String], message: String, status: Int32) {
        let refusal = Self.refusal { _ = try PowerShellParameters.encodedCommand(of: arguments) }
        #expect(refusal?.message.contains(message) == true, "\(String(describing: refusal))")
        #expect(refusal?.exitStatus == status)
    }
}
