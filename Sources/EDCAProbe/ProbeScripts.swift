import Crypto
import EDCACore
import EDCAJSON
import Foundation

/// The PowerShell that runs on an Exchange server: the bootstrap (in the command line) and the probe (on stdin).
///
/// This is the only place in edca-agent that holds PowerShell. Both scripts are short on purpose, so that an
/// administrator can read them (`edca-agent probe HOST --print-script`) and run them by hand. The protocol they
/// implement is described in `docs/probe-protocol.md`.
package enum ProbeScripts {
    /// The bootstrap, before the probe script's hash is put in: reads all of stdin, checks the script, runs it.
    static let bootstrapTemplate = #"""
        # edca-agent bootstrap: read the payload from standard input, check the probe script's hash, run it.
        $ProgressPreference = 'SilentlyContinue'
        $utf8 = New-Object System.Text.UTF8Encoding $false
        $stdin = New-Object System.IO.StreamReader([Console]::OpenStandardInput(), $utf8)
        $payload = $stdin.ReadToEnd() | ConvertFrom-Json
        $sha256 = [System.Security.Cryptography.SHA256]::Create()
        $hash = [BitConverter]::ToString($sha256.ComputeHash($utf8.GetBytes([string]$payload.script))).Replace('-', '')
        if ($hash -ne '__SCRIPT_SHA256__') { [Console]::Error.WriteLine('edca-probe: script hash mismatch'); exit 3 }
        & ([ScriptBlock]::Create($payload.script)) $payload
        """#

    /// The probe: answers each read of the payload from the 64-bit registry view and prints the answers between
    /// two marker lines carrying the payload's nonce. It only reads.
    package static let probe = #"""
        param($Payload)
        # edca-agent registry probe. Reads the keys and values listed in $Payload.reads from the 64-bit registry
        # view and prints one JSON document of answers between two marker lines. It changes nothing.
        $ErrorActionPreference = 'Stop'
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $hives = @{
            HKLM = [Microsoft.Win32.RegistryHive]::LocalMachine
            HKCU = [Microsoft.Win32.RegistryHive]::CurrentUser
            HKCR = [Microsoft.Win32.RegistryHive]::ClassesRoot
            HKU = [Microsoft.Win32.RegistryHive]::Users
            HKCC = [Microsoft.Win32.RegistryHive]::CurrentConfig
        }

        # Opens a key for reading: @{ Key = ... }, or @{ State = 'keyAbsent' }, or @{ State = 'denied'; Denied =
        # the key that exists but cannot be opened (the key itself or one above it) }.
        function Open-RegistryKey([string]$Path) {
            $hiveName, $rest = $Path.Split('\', 2)
            $view = [Microsoft.Win32.RegistryView]::Registry64
            $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hives[$hiveName.ToUpperInvariant()], $view)
            if (-not $rest) { return @{ Key = $base } }
            try {
                $key = $base.OpenSubKey($rest, $false)
                if ($null -eq $key) { return @{ State = 'keyAbsent' } }
                return @{ Key = $key }
            } catch [System.Security.SecurityException], [System.UnauthorizedAccessException] {
                # Walk down one level at a time to find the unreadable key, and whether it exists at all.
                $parent = $base
                $walked = $hiveName
                foreach ($name in $rest.Split('\')) {
                    $walked = "$walked\$name"
                    try {
                        $child = $parent.OpenSubKey($name, $false)
                    } catch [System.Security.SecurityException], [System.UnauthorizedAccessException] {
                        if ($parent.GetSubKeyNames() -contains $name) { return @{ State = 'denied'; Denied = $walked } }
                        return @{ State = 'keyAbsent' }
                    }
                    if ($null -eq $child) { return @{ State = 'keyAbsent' } }
                    $parent = $child
                }
                return @{ State = 'denied'; Denied = $Path }
            }
        }

        function Get-StateAnswer($Opened) {
            if ($Opened.State -eq 'denied') { return @{ state = 'denied'; key = $Opened.Denied } }
            return @{ state = $Opened.State }
        }

        # One value as stored: unsigned numbers, REG_EXPAND_SZ unexpanded, REG_BINARY as lowercase hex.
        function Get-ValueAnswer($Key, [string]$Name) {
            if ($Key.GetValueNames() -notcontains $Name) { return @{ state = 'valueAbsent' } }
            $kind = $Key.GetValueKind($Name)
            $data = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
            switch ($kind) {
                'DWord' { return @{ type = 'REG_DWORD'; data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([int]$data), 0) } }
                'QWord' { return @{ type = 'REG_QWORD'; data = [string][BitConverter]::ToUInt64([BitConverter]::GetBytes([long]$data), 0) } }
                'String' { return @{ type = 'REG_SZ'; data = [string]$data } }
                'ExpandString' { return @{ type = 'REG_EXPAND_SZ'; data = [string]$data } }
                'MultiString' { return @{ type = 'REG_MULTI_SZ'; data = [string[]]$data } }
                'Binary' { return @{ type = 'REG_BINARY'; data = -join ($data | ForEach-Object { $_.ToString('x2') }) } }
                'None' { return @{ type = 'REG_NONE'; data = $null } }
            }
            return @{ state = 'error'; message = "unsupported value type $kind" }
        }

        function Get-Answer($Read) {
            if ($null -ne $Read.value) {
                $opened = Open-RegistryKey $Read.value
                if (-not $opened.Key) { return Get-StateAnswer $opened }
                try { return Get-ValueAnswer $opened.Key ([string]$Read.name) } finally { $opened.Key.Close() }
            }
            if ($null -ne $Read.key) {
                $opened = Open-RegistryKey $Read.key
                if ($opened.Key) { $opened.Key.Close(); return @{ state = 'exists' } }
                if ($opened.Denied -eq $Read.key) { return @{ state = 'exists' } }
                return Get-StateAnswer $opened
            }
            if ($null -ne $Read.subkeys) {
                $opened = Open-RegistryKey $Read.subkeys
                if (-not $opened.Key) { return Get-StateAnswer $opened }
                try {
                    $entries = New-Object System.Collections.Generic.List[object]
                    foreach ($name in $opened.Key.GetSubKeyNames()) {
                        if ($null -eq $Read.name) { $entries.Add(@{ name = $name }); continue }
                        $value = Get-Answer @{ value = "$($Read.subkeys)\$name"; name = $Read.name }
                        $entries.Add(@{ name = $name; value = $value })
                    }
                    return @{ subkeys = $entries.ToArray() }
                } finally { $opened.Key.Close() }
            }
            return @{ state = 'error'; message = 'unknown read' }
        }

        $answers = New-Object System.Collections.Generic.List[object]
        foreach ($read in $Payload.reads) {
            if ($clock.Elapsed.TotalSeconds -ge [double]$Payload.deadlineSeconds) {
                $answers.Add(@{ state = 'error'; message = 'probe deadline reached' })
                continue
            }
            try { $answers.Add((Get-Answer $read)) } catch { $answers.Add(@{ state = 'error'; message = "$($_.Exception.Message)" }) }
        }
        $json = @{ edcaProbe = 1; nonce = $Payload.nonce; answers = $answers.ToArray() } | ConvertTo-Json -Depth 8 -Compress
        $stdout = New-Object System.IO.StreamWriter([Console]::OpenStandardOutput(), (New-Object System.Text.UTF8Encoding $false))
        $stdout.Write("`r`nEDCA-PROBE-BEGIN $($Payload.nonce)`r`n$json`r`nEDCA-PROBE-END $($Payload.nonce)`r`n")
        $stdout.Flush()
        """#

    /// The SHA-256 of the probe script's UTF-8 bytes, in uppercase hexadecimal, as the bootstrap checks it.
    package static let probeSHA256 = SHA256.hash(data: Array(probe.utf8)).map { byte in
        let text = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + text : text
    }.joined()

    /// The bootstrap with the probe script's hash in place.
    package static let bootstrap = bootstrapTemplate.replacing("__SCRIPT_SHA256__", with: probeSHA256)

    /// The constant command line: `powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand <base64>`,
    /// where the base64 encodes the bootstrap as UTF-16LE. It works whether the server's OpenSSH DefaultShell is
    /// cmd.exe or PowerShell, because base64 text means nothing to either shell.
    package static let commandLine =
        "powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand "
        + Data(bootstrap.utf16.flatMap { [UInt8](arrayLiteral: UInt8($0 & 0xFF), UInt8($0 >> 8)) })
        .base64EncodedString()
}
