import EDCATestSupport
import Foundation
import Testing

/// One class of bad local input, as a user could write it, and the one line of error the agent must print.
struct BadInput: Sendable, CustomTestStringConvertible {
    /// Which loader reads the file, which decides the commands that are run on it.
    enum Kind: Sendable {
        case control, inventory, configuration, snapshot
    }

    /// The file's contents: text, bytes, or a prefix padded (sparsely) with zero bytes to a size.
    enum Content: Sendable {
        case text(String)
        case bytes([UInt8])
        case padded(String, toBytes: Int)
    }

    var inputClass: String
    var kind: Kind
    var fileName: String
    var content: Content
    /// The exit status expected from every command.
    var status: Int32
    /// The error line after `edca-agent: error: FILE`.
    var error: String

    var testDescription: String { inputClass }
}

/// Bad input of every class, run through the real binary: `controls validate`, `evaluate`, `scan` and
/// `inventory check`, each of which must print one line naming the file, position and field, exit non-zero, and
/// leave the spool empty.
@Suite("Bad local input: one clear line, a non-zero exit, nothing in the spool")
struct BadInputTests {
    /// A valid control, one member per line, so positions in the expected errors are easy to read off.
    static func control(
        id: String = "EDCA-TST-001", weight: String = "5", check: String = Self.check, extra: String = ""
    ) -> String {
        """
        {
          "id": "\(id)",
          "title": "Test control",
          "description": "A control for the bad-input tests.",
          "verify": true,
          "subject": "Server",
          "category": "Platform Security",
          "severity": "Medium",
          "severityWeight": \(weight),
          "frameworks": ["CIS"],
          "references": [{"name": "Doc", "url": "https://example.com/doc"}],
          "remediation": {"automatable": false, "description": "Fix it.", "scriptTemplate": ""},
          "considerations": "",\(extra)
          "roles": ["Mailbox", "Edge"],
          "check": \(check)
        }
        """
    }

    static let check = #"{"key": "HKLM\\SOFTWARE\\EDCA", "value": "Setting", "equals": 1}"#

    static func matching(_ pattern: String) -> String {
        #"{"key": "HKLM\\SOFTWARE\\EDCA", "value": "Setting", "matches": "\#(pattern)"}"#
    }

    static let host = "hosts:\n  - name: mbx01\n    address: 127.0.0.1\n    user: u\n    identity: agent\n"

    static let inputs: [BadInput] = [
        BadInput(
            inputClass: "control: not JSON", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(#"{"id": "EDCA-TST-001", "title": }"#), status: 65,
            error: ":1:33: invalid JSON: expected a value, found '}'"),
        BadInput(
            inputClass: "control: indented with no-break spaces", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(control().replacingOccurrences(of: "\n  \"title\"", with: "\n\u{A0}\u{A0}\"title\"")),
            status: 65,
            error: ":3:1: invalid JSON: U+00A0 no-break space is not allowed outside strings; replace no-break "
                + #"spaces with ordinary spaces, for example with: sed -i 's/\xc2\xa0/ /g' FILE"#),
        BadInput(
            inputClass: "control: unknown field (typo)", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(control(extra: "\n  \"severty\": \"High\",")), status: 65,
            error: ":14:3: severty: unknown field (did you mean 'severity'?)"),
        BadInput(
            inputClass: "control: wrong type", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(control(weight: #""8""#)), status: 65,
            error: ":9:21: severityWeight: expected an integer, found string"),
        BadInput(
            inputClass: "control: missing field", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(control().replacingOccurrences(of: "  \"considerations\": \"\",\n", with: "")),
            status: 65, error: ":1:1: considerations: missing field"),
        BadInput(
            inputClass: "control: invalid regular expression", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(control(check: matching("[a-"))), status: 65,
            error: ":15:75: check.matches: invalid regular expression: expected ']'"),
        BadInput(
            inputClass: "control: pathological regular expression (a+)+$", kind: .control,
            fileName: "EDCA-TST-001.json", content: .text(control(check: matching("(a+)+$"))), status: 65,
            error: ":15:75: check.matches: invalid regular expression: the repeated group (a+)+ holds a repetition "
                + "or an alternation, which can take exponential time on a string that does not match; use a "
                + "character class or one repetition instead"),
        BadInput(
            inputClass: "control: file not named after its id", kind: .control, fileName: "EDCA-TST-002.json",
            content: .text(control()), status: 65,
            error: ": id: the file must be named after its id: expected EDCA-TST-001.json"),
        BadInput(
            inputClass: "control: 50 MiB file", kind: .control, fileName: "EDCA-TST-001.json",
            content: .padded(control(), toBytes: 50 << 20), status: 65,
            error: ": larger than 4 MiB, which no control file should be"),
        BadInput(
            inputClass: "control: nested 100,000 deep", kind: .control, fileName: "EDCA-TST-001.json",
            content: .text(String(repeating: "[", count: 100_000)), status: 65,
            error: ":1:257: invalid JSON: nesting deeper than 256 levels"),
        BadInput(
            inputClass: "inventory: not YAML", kind: .inventory, fileName: "inventory.yaml",
            content: .text("hosts:\n  - name: \"mbx01\n"), status: 65,
            error: ":3:1: yaml: invalid YAML: while scanning a quoted scalar found unexpected end of stream"),
        BadInput(
            inputClass: "inventory: unknown key (typo)", kind: .inventory, fileName: "inventory.yaml",
            content: .text(host.replacingOccurrences(of: "address:", with: "adress:")), status: 65,
            error: ":3:5: hosts[0].adress: unknown key \"adress\"; did you mean \"address\"?"),
        BadInput(
            inputClass: "inventory: port out of range", kind: .inventory, fileName: "inventory.yaml",
            content: .text(host + "    port: 70000\n"), status: 65,
            error: ":6:11: hosts[0].port: 70000 is not a port number: expected 1 to 65535"),
        BadInput(
            inputClass: "inventory: shell injection in a host name used as the address", kind: .inventory,
            fileName: "inventory.yaml",
            content: .text("hosts:\n  - name: \"mbx01;touch /tmp/edca-pwned\"\n    user: u\n    identity: agent\n"),
            status: 65,
            error: ":2:11: hosts[0].address: \"mbx01;touch /tmp/edca-pwned\" is not a DNS name or IP address: only "
                + "letters, digits, '.', '-' and ':' (IPv6) are allowed (taken from the host's name; set `address` "
                + "to connect elsewhere)"),
        BadInput(
            inputClass: "inventory: control characters in a host name", kind: .inventory, fileName: "inventory.yaml",
            content: .text(host.replacingOccurrences(of: "mbx01", with: #""mbx01\nforged log line\e[31m""#)),
            status: 65, error: ":2:11: hosts[0].name: must not contain control characters"),
        BadInput(
            inputClass: "inventory: YAML alias bomb (a billion tags)", kind: .inventory, fileName: "inventory.yaml",
            content: .text(host + "    tags: [" + aliasBomb + "]\n"), status: 65,
            error: ":6:12: hosts[0].tags[0]: must be a string, not a list"),
        BadInput(
            inputClass: "inventory: not UTF-8", kind: .inventory, fileName: "inventory.yaml",
            content: .bytes(Array("hosts: []\n# caf".utf8) + [0xE9, 0x0A]),
            status: 66, error: ":0:0: file: the inventory is not UTF-8 text"),
        BadInput(
            inputClass: "inventory: 50 MiB file", kind: .inventory, fileName: "inventory.yaml",
            content: .padded(host, toBytes: 50 << 20), status: 65,
            error: ":0:0: file: larger than 16 MiB, which no inventory file should be"),
        BadInput(
            inputClass: "configuration: not JSON", kind: .configuration, fileName: "config.json",
            content: .text(#"{"concurrency": 4,}"#), status: 65,
            error: ":1:18: invalid JSON: trailing comma after the last object member"),
        BadInput(
            inputClass: "configuration: unknown key (typo)", kind: .configuration, fileName: "config.json",
            content: .text(#"{"spoolDirectroy": "/var/lib/edca-agent/spool"}"#), status: 65,
            error: ":1:2: spoolDirectroy: unknown field (did you mean 'spoolDirectory'?)"),
        BadInput(
            inputClass: "configuration: out of range", kind: .configuration, fileName: "config.json",
            content: .text(#"{"concurrency": 0}"#), status: 65,
            error: ":1:17: concurrency: out of range: expected 1 to 1024, found 0"),
        BadInput(
            inputClass: "configuration: duplicate key", kind: .configuration, fileName: "config.json",
            content: .text(#"{"retries": 1, "retries": 9}"#), status: 65, error: ":1:16: retries: duplicate field"),
        BadInput(
            inputClass: "configuration: 50 MiB file", kind: .configuration, fileName: "config.json",
            content: .padded("{", toBytes: 50 << 20), status: 65,
            error: ": larger than 1 MiB, which no configuration file should be"),
        BadInput(
            inputClass: "snapshot: not JSON", kind: .snapshot, fileName: "host.json",
            content: .text(#"{"HKLM\\SOFTWARE\\EDCA": {"#), status: 65,
            error: ":1:27: expected a string member name or '}', found end of input"),
        BadInput(
            inputClass: "snapshot: data out of range", kind: .snapshot, fileName: "host.json",
            content: .text(#"{"HKLM\\SOFTWARE\\EDCA": {"Level": {"type": "REG_DWORD", "data": 4294967296}}}"#),
            status: 65,
            error: #":1:66: key 'HKLM\SOFTWARE\EDCA' value 'Level' data: REG_DWORD data must be an integer from 0 "#
                + "to 4294967295, found 4294967296"),
        BadInput(
            inputClass: "snapshot: unknown value type", kind: .snapshot, fileName: "host.json",
            content: .text(#"{"HKLM\\SOFTWARE\\EDCA": {"Level": {"type": "REG_DWROD", "data": 1}}}"#), status: 65,
            error: #":1:45: key 'HKLM\SOFTWARE\EDCA' value 'Level' type: unknown registry type 'REG_DWROD'; "#
                + "expected one of REG_DWORD, REG_QWORD, REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_BINARY, REG_NONE "
                + "(did you mean 'REG_DWORD'?)"),
        BadInput(
            inputClass: "snapshot: 100 MiB file", kind: .snapshot, fileName: "host.json",
            content: .padded("{", toBytes: 100 << 20), status: 65,
            error: ": larger than 64 MiB, which no registry snapshot file should be"),
        BadInput(
            inputClass: "snapshot: nested 100,000 deep", kind: .snapshot, fileName: "host.json",
            content: .text(#"{"HKLM\\SOFTWARE\\EDCA": "# + String(repeating: "[", count: 100_000)), status: 65,
            error: ":1:281: nesting deeper than 256 levels"),
    ]

    /// Nine levels of ten aliases each: 10^9 tags if a loader expanded them.
    static let aliasBomb: String = {
        var levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            levels.append("&a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return "[" + levels.joined(separator: ", ") + "]"
    }()

    @Test(arguments: inputs)
    func badInputIsRefused(_ input: BadInput) throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let inputDirectory = directory + "/input"
        let spool = directory + "/spool"
        for path in [inputDirectory, spool, directory + "/state"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }
        let file = inputDirectory + "/" + input.fileName
        try Self.write(input.content, to: file)
        let config = try temporary.write("config.json", "{}")

        func scan(_ overrides: [String: String]) -> [String] {
            let settings = ["--config": config, "--inventory": "Inventory/lab.yaml", "--controls": "Controls"]
                .merging(overrides) { $1 }
            return ["scan", "--spool", spool, "--state", directory + "/state"]
                + settings.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        }
        let runs: [[String]] =
            switch input.kind {
            case .control:
                [
                    ["controls", "validate", inputDirectory],
                    [
                        "evaluate", "--controls", inputDirectory, "--snapshot", "Inventory/lab/mbx01.json", "--role",
                        "Mailbox",
                    ],
                    scan(["--controls": inputDirectory]),
                ]
            case .inventory: [["inventory", "check", file], scan(["--inventory": file])]
            case .configuration: [scan(["--config": file])]
            case .snapshot: [["evaluate", "--snapshot", file, "--role", "Mailbox"]]
            }
        for arguments in runs {
            let run = try runAgent(arguments)
            #expect(run.status == input.status, "\(arguments[0]): \(run.standardError)")
            #expect(run.standardOutput.isEmpty, "\(arguments[0])")
            #expect(
                run.standardError.hasPrefix("edca-agent: error: " + file + input.error),
                "\(arguments[0]) printed:\n\(run.standardError)")
            #expect(run.standardError.split(separator: "\n").count == 1, "\(arguments[0]): one line")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty, "nothing in the spool")
    }

    @Test("A host name carrying shell and PowerShell code is data: listed, recorded and never run")
    func hostNameIsData() throws {
        let temporary = try TemporaryDirectory()
        let marker = temporary.path + "/pwned"
        let name = "mbx01'; Remove-Item -Recurse C:\\ #$(touch \(marker))`touch \(marker)`"
        let inventory = try temporary.write(
            "inventory.yaml",
            "hosts:\n  - name: \"\(name.replacingOccurrences(of: "\\", with: "\\\\"))\"\n    address: 127.0.0.1\n"
                + "    port: 1\n    user: u\n    identity: agent\n")
        let list = try runAgent(["inventory", "list", inventory])
        #expect(list.status == 0, "\(list.standardError)")
        #expect(list.standardOutput.contains(name))

        // The command and payload sent to a host do not depend on its name: only the nonce changes.
        func script(_ host: String) throws -> String {
            let run = try runAgent(["probe", host, "--print-script"])
            #expect(run.status == 0)
            return run.standardOutput.replacing(/"nonce":"[0-9a-f]{32}"/, with: "")
        }
        #expect(try script(name) == script("mbx01"))

        // Scanned (port 1 refuses the connection), the name reaches the spool as a JSON string, nothing else.
        let spool = temporary.path + "/spool"
        let config = try temporary.write("config.json", "{}")
        let knownHosts = try temporary.write("known_hosts", "")
        let scan = try runAgent([
            "scan", "--config", config, "--inventory", inventory, "--controls", "Controls", "--spool", spool,
            "--state", temporary.path + "/state", "--known-hosts", knownHosts, "--retries", "0",
        ])
        #expect(scan.status == 4, "\(scan.standardError)")
        let events = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasPrefix("findings-") }
        let text = try String(contentsOfFile: spool + "/" + #require(events.first), encoding: .utf8)
        let event = try #require(try parsedJSON(String(text.prefix { $0 != "\n" })) as? [String: Any])
        let device = try #require(event["device"] as? [String: Any])
        #expect(device["hostname"] as? String == name)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("A hostile REG_SZ meets the costliest pattern allowed: matched up to 4096 characters, Unknown beyond")
    func hostileStringIsBounded() throws {
        let temporary = try TemporaryDirectory()
        let controls = temporary.path + "/controls"
        try FileManager.default.createDirectory(atPath: controls, withIntermediateDirectories: false)
        try temporary.write("controls/EDCA-TST-001.json", Self.control(check: Self.matching("a*c")))
        for (length, status) in [(4096, "Fail"), (1 << 20, "Unknown")] {
            let data = String(repeating: "a", count: length)
            let snapshot = try temporary.write(
                "host.json", #"{"HKLM\\SOFTWARE\\EDCA": {"Setting": {"type": "REG_SZ", "data": "\#(data)"}}}"#)
            let run = try runAgent([
                "evaluate", "--controls", controls, "--snapshot", snapshot, "--role", "Mailbox", "--format", "json",
            ])
            #expect(run.status == 0, "\(run.standardError)")
            let document = try #require(try parsedJSON(run.standardOutput) as? [String: Any])
            let result = try #require((document["results"] as? [[String: Any]])?.first)
            #expect(result["status"] as? String == status, "\(length) characters")
        }
    }

    private static func write(_ content: BadInput.Content, to file: String) throws {
        switch content {
        case .text(let text):
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        case .bytes(let bytes):
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        case .padded(let prefix, let size):
            try Data(prefix.utf8).write(to: URL(fileURLWithPath: file))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
    }
}
