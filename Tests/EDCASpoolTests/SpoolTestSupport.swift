import EDCACore
import EDCAEngine
import EDCAJSON
import EDCASpool
import Foundation
import Testing

/// A small control in the shipped format: SMB server signing required (value check with a Windows default).
let signingControlJSON = #"""
    {
      "id": "EDCA-SEC-043",
      "title": "SMB packet signing is required on server and client",
      "description": "Unsigned SMB lets a man-in-the-middle relay NTLM.",
      "verify": true,
      "subject": "Server",
      "category": "Platform Security",
      "severity": "High",
      "severityWeight": 8,
      "frameworks": ["ANSSI", "BSI", "CIS"],
      "references": [
        {"name": "Overview of Server Message Block signing",
         "url": "https://learn.microsoft.com/windows-server/storage/file-server/smb-signing-overview"}
      ],
      "remediation": {
        "automatable": true,
        "description": "Set RequireSecuritySignature=1 for LanmanServer and LanmanWorkstation.",
        "scriptTemplate": "Set-ItemProperty -Path $p -Name RequireSecuritySignature -Type DWord -Value 1"
      },
      "considerations": "None.",
      "roles": ["Mailbox", "Edge"],
      "check": {
        "all": [
          {"key": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters",
           "value": "RequireSecuritySignature", "equals": 1, "default": 0},
          {"key": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters",
           "value": "RequireSecuritySignature", "equals": 1, "default": 0}
        ]
      }
    }
    """#

/// A snapshot where the server side is 0 and the workstation side has no value (Windows default 0).
let failingSnapshotJSON = #"""
    {
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters": {
        "RequireSecuritySignature": {"type": "REG_DWORD", "data": 0}
      },
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters": {
        "EnableSecuritySignature": {"type": "REG_DWORD", "data": 1}
      }
    }
    """#

func signingControl() throws -> Control {
    try Control(json: Array(signingControlJSON.utf8))
}

func failingVerdict() throws -> (Control, Verdict) {
    let control = try signingControl()
    let snapshot = try RegistrySnapshot(json: Array(failingSnapshotJSON.utf8))
    return (control, control.evaluate(on: snapshot, role: .mailbox))
}

/// Parses one spool line back with Foundation, as a forwarder's JSON parser would.
func parse(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

/// A fresh temporary directory, removed by the caller with `removeDirectory`.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "edca-spool-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func fileText(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? Int)
}
