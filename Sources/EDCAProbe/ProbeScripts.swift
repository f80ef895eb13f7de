import Crypto
import EDCACore
import EDCAJSON
import Foundation

/// The PowerShell that runs on an Exchange server: the bootstrap (in the command line) and the probe (on stdin).
///
/// This is the only PowerShell edca-agent runs on a server. The other PowerShell it writes, `edca-agent
/// remediation`'s script for an administrator to review and run, is assembled in EDCAReport from the controls'
/// templates; `scripts/check-powershell` parses both. The scripts here are short on purpose, so that an
/// administrator can read them (`edca-agent probe HOST --print-script`) and run them by hand. The protocol they
/// implement is described in `docs/probe-protocol.md`.
///
/// Both work in Full Language and in Constrained Language Mode (AppLocker or WDAC enforced), under the FIPS policy,
/// and in Windows PowerShell 5.1 (the bootstrap also parses in 2.0, so that it can say that 2.0 is too old). What
/// cannot work ends with one framed line on stderr, `edca-probe: CODE: MESSAGE`, and exit status 3
/// (``ProbeRefusal`` reads it).
package enum ProbeScripts {
    /// The bootstrap, before the probe script's hash is put in: reads all of stdin, checks the script, runs it.
    static let bootstrapTemplate = #"""
        # edca-agent bootstrap (docs/probe-protocol.md section 2): read the request, check the script's SHA-256, run it.
        $ProgressPreference = 'SilentlyContinue'
        $ErrorActionPreference = 'Stop'
        $full = $ExecutionContext.SessionState.LanguageMode -eq 'FullLanguage'
        function Stop-Probe($Code, $Message) {
            $line = "edca-probe: ${Code}: $Message"
            if ($full) { [Console]::Error.WriteLine($line) } else { Write-Error $line -ErrorAction Continue }
            exit 3
        }
        if ($PSVersionTable.PSVersion.Major -lt 3) { Stop-Probe 'powershell-too-old' "PowerShell $($PSVersionTable.PSVersion)" }
        $text = @($input) -join "`n"
        if (-not $text.Trim()) { Stop-Probe 'no-input' 'standard input was empty' }
        try { $request = $text | ConvertFrom-Json } catch { Stop-Probe 'bad-request' $_ }
        $script = $request.script
        if ($script -isnot [string]) { Stop-Probe 'bad-request' 'no "script" string' }
        try {
            if ($full) {
                $sha = New-Object Security.Cryptography.SHA256CryptoServiceProvider
                $hash = [BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($script))) -replace '-'
            } elseif ($script -notmatch '[^\x00-\x7F]') {
                # Constrained Language allows no hash object: Get-FileHash (trusted) hashes a copy.
                $copy = (New-TemporaryFile).FullName
                try {
                    Set-Content -LiteralPath $copy -Value $script -Encoding Ascii -NoNewline
                    $hash = (Get-FileHash -LiteralPath $copy).Hash
                } finally { Remove-Item -LiteralPath $copy }
            }
        } catch {
            $fips = Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy -ErrorAction SilentlyContinue
            if ($fips.Enabled) { Stop-Probe 'fips' $_ }
            if (-not $full) { Stop-Probe 'constrained-language' $_ }
            throw
        }
        if ($hash -ne '__SCRIPT_SHA256__') { Stop-Probe 'script-rejected' 'the script has another SHA-256' }
        & (Invoke-Expression "{`n$script`n}") $request
        """#

    /// The probe: checks the request, answers each read of it, and prints the answers between two marker lines
    /// carrying the request's nonce. It only reads.
    package static let probe = #"""
        param($Request)
        # edca-agent probe. Answers each read of $Request.reads and prints one JSON document of answers
        # between two marker lines. It changes nothing. Stop-Probe comes from the bootstrap that runs this script.
        $ErrorActionPreference = 'Stop'
        $started = [datetime]::UtcNow
        $fullLanguage = $ExecutionContext.SessionState.LanguageMode -eq 'FullLanguage'
        $hiveNames = @{ HKLM = 'HKEY_LOCAL_MACHINE'; HKCU = 'HKEY_CURRENT_USER'; HKCR = 'HKEY_CLASSES_ROOT'; HKU = 'HKEY_USERS'; HKCC = 'HKEY_CURRENT_CONFIG' }

        # The request, checked as docs/probe-protocol.md section 3 says; anything else stops the probe.
        if (-not ($Request.edcaProbe -is [int] -and $Request.edcaProbe -eq 1)) {
            Stop-Probe 'bad-request' 'the request''s "edcaProbe" must be the number 1'
        }
        if (-not ($Request.nonce -is [string] -and $Request.nonce -cmatch '\A[0-9a-f]{32}\z')) {
            Stop-Probe 'bad-request' 'the request''s "nonce" must be 32 lowercase hexadecimal digits'
        }
        $deadline = $Request.deadlineSeconds
        if (-not (($deadline -is [int] -or $deadline -is [long] -or $deadline -is [double] -or $deadline -is [decimal]) -and $deadline -ge 0)) {
            Stop-Probe 'bad-request' 'the request''s "deadlineSeconds" must be a number of seconds, 0 or more'
        }
        if ($Request.reads -isnot [array]) { Stop-Probe 'bad-request' 'the request''s "reads" must be an array' }

        function Get-ErrorAnswer([string]$Message) { @{ state = 'error'; message = $Message } }

        # Registry access, by language mode. Full Language opens the 64-bit view and reads values as stored;
        # Constrained Language allows no registry methods, so it goes through the registry provider's cmdlets.
        if ($fullLanguage) {
            $hives = @{ HKLM = 'LocalMachine'; HKCU = 'CurrentUser'; HKCR = 'ClassesRoot'; HKU = 'Users'; HKCC = 'CurrentConfig' }
            # @{ Key = ... }, @{ State = 'keyAbsent' } or @{ State = 'denied' }.
            function Open-RegistryPath([string]$Path) {
                $hiveName, $rest = $Path.Split('\', 2)
                $hive = [Microsoft.Win32.RegistryHive]$hives[$hiveName]
                $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, [Microsoft.Win32.RegistryView]::Registry64)
                if (-not $rest) { return @{ Key = $base } }
                try { $key = $base.OpenSubKey($rest, $false) }
                catch [System.Security.SecurityException], [System.UnauthorizedAccessException] { return @{ State = 'denied' } }
                if ($null -eq $key) { return @{ State = 'keyAbsent' } }
                return @{ Key = $key }
            }
            function Get-SubkeyNames($Key) { $Key.GetSubKeyNames() }
            function Close-Key($Key) { $Key.Close() }
            function Get-ValueAnswer($Key, [string]$Name) {
                if ($Key.GetValueNames() -notcontains $Name) { return @{ state = 'valueAbsent' } }
                $kind = [string]$Key.GetValueKind($Name)
                ConvertTo-ValueAnswer $kind $Key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
            }
        } else {
            function Open-RegistryPath([string]$Path) {
                $hiveName, $rest = $Path.Split('\', 2)
                $providerPath = 'Registry::' + $hiveNames[$hiveName]
                if ($rest) { $providerPath += '\' + $rest }
                try { return @{ Key = Get-Item -LiteralPath $providerPath } } catch {
                    if ([string]$_.CategoryInfo.Category -eq 'ObjectNotFound') { return @{ State = 'keyAbsent' } }
                    if ([string]$_.CategoryInfo.Category -eq 'PermissionDenied') { return @{ State = 'denied' } }
                    throw
                }
            }
            function Get-SubkeyNames($Key) { Get-ChildItem -LiteralPath $Key.PSPath -Name }
            function Close-Key($Key) { }
            # The provider names the default value '(default)', expands REG_EXPAND_SZ and gives no value kind:
            # the kind follows from the data's type.
            function Get-ValueAnswer($Key, [string]$Name) {
                if ($Name -eq '') { $Name = '(default)' }
                if (@($Key.Property) -notcontains $Name) { return @{ state = 'valueAbsent' } }
                $data = Get-ItemPropertyValue -LiteralPath $Key.PSPath -Name $Name
                $kind = 'Unknown'
                if ($data -is [int]) { $kind = 'DWord' } elseif ($data -is [long]) { $kind = 'QWord' }
                elseif ($data -is [string]) { $kind = 'String' } elseif ($data -is [string[]]) { $kind = 'MultiString' }
                elseif ($data -is [byte[]]) { $kind = 'Binary' } elseif ($null -eq $data) { $kind = 'None' }
                ConvertTo-ValueAnswer $kind $data
            }
        }

        # One value's answer: numbers unsigned (REG_QWORD as a decimal string), REG_BINARY as lowercase hex.
        function ConvertTo-ValueAnswer([string]$Kind, $Data) {
            switch ($Kind) {
                'DWord' {
                    # A REG_DWORD stored with more than 4 bytes comes back as a 64-bit number.
                    if ($Data -isnot [int]) { return Get-ErrorAnswer 'REG_DWORD data is longer than 4 bytes' }
                    [long]$number = $Data
                    if ($number -lt 0) { $number += 4294967296 }
                    return @{ type = 'REG_DWORD'; data = $number }
                }
                'QWord' {
                    [decimal]$number = $Data
                    if ($number -lt 0) { $number += [decimal]'18446744073709551616' }
                    return @{ type = 'REG_QWORD'; data = [string]$number }
                }
                'String' { return @{ type = 'REG_SZ'; data = [string]$Data } }
                'ExpandString' { return @{ type = 'REG_EXPAND_SZ'; data = [string]$Data } }
                'MultiString' { return @{ type = 'REG_MULTI_SZ'; data = [string[]]$Data } }
                'Binary' { return @{ type = 'REG_BINARY'; data = -join @($Data | ForEach-Object { $_.ToString('x2') }) } }
                'None' { return @{ type = 'REG_NONE'; data = $null } }
            }
            Get-ErrorAnswer "unsupported value type $Kind"
        }

        # A key path as the agent's RegistryPath accepts it, or an error naming the problem.
        function Assert-KeyPath([string]$Path) {
            $parts = $Path.Split('\')
            if (-not $hiveNames.ContainsKey($parts[0])) {
                throw 'invalid key path: a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) and uses \ as separator'
            }
            if (@($parts | Select-Object -Skip 1 | Where-Object { $_ -eq '' }).Count -gt 0) {
                if ($Path.EndsWith('\')) { throw 'invalid key path: a key path has no trailing \' }
                throw 'invalid key path: a key path has no empty component (\\)'
            }
        }

        # Opens a key: @{ Key = ... }, @{ State = 'keyAbsent' } or @{ State = 'denied'; Denied = K }, K the key that
        # exists but cannot be opened (the key itself or one above it), found by opening the path level by level.
        function Open-Key([string]$Path) {
            $opened = Open-RegistryPath $Path
            if ($opened.State -ne 'denied') { return $opened }
            $parts = $Path.Split('\')
            $walked = $parts[0]
            foreach ($name in ($parts | Select-Object -Skip 1)) {
                $parent = Open-RegistryPath $walked
                if (-not $parent.Key) { return $parent }
                $names = @(Get-SubkeyNames $parent.Key)
                Close-Key $parent.Key
                if ($names -notcontains $name) { return @{ State = 'keyAbsent' } }
                $walked = "$walked\$name"
                $child = Open-RegistryPath $walked
                if ($child.State -eq 'denied') { return @{ State = 'denied'; Denied = $walked } }
                if ($child.Key) { Close-Key $child.Key }
            }
            @{ State = 'denied'; Denied = $Path }
        }

        function Get-StateAnswer($Opened) {
            if ($Opened.State -eq 'denied') { return @{ state = 'denied'; key = $Opened.Denied } }
            @{ state = $Opened.State }
        }

        function Get-RegistryValueAnswer([string]$Path, [string]$Name) {
            $opened = Open-Key $Path
            if (-not $opened.Key) { return Get-StateAnswer $opened }
            try { Get-ValueAnswer $opened.Key $Name } finally { Close-Key $opened.Key }
        }

        # The readers, one per kind of read; each takes the read, its members checked as $readers says.
        function Read-Value($Read) {
            Assert-KeyPath $Read.value
            Get-RegistryValueAnswer $Read.value $Read.name
        }

        function Read-Key($Read) {
            Assert-KeyPath $Read.key
            $opened = Open-Key $Read.key
            if ($opened.Key) { Close-Key $opened.Key; return @{ state = 'exists' } }
            if ($opened.Denied -eq $Read.key) { return @{ state = 'exists' } }
            Get-StateAnswer $opened
        }

        # Each subkey is one entry; an entry whose value cannot be read carries its own error answer.
        function Read-Subkeys($Read) {
            $path = $Read.subkeys
            Assert-KeyPath $path
            $opened = Open-Key $path
            if (-not $opened.Key) { return Get-StateAnswer $opened }
            try { $names = @(Get-SubkeyNames $opened.Key) } finally { Close-Key $opened.Key }
            $entries = @(foreach ($subkey in $names) {
                if ($null -eq $Read.name) { @{ name = $subkey }; continue }
                try { $value = Get-RegistryValueAnswer "$path\$subkey" $Read.name } catch { $value = Get-ErrorAnswer $_.Exception.Message }
                @{ name = $subkey; value = $value }
            })
            @{ subkeys = $entries }
        }

        # A service or kernel driver (Win32_BaseService covers both): state and start mode. The name is checked
        # before it goes into the query.
        function Read-Service($Read) {
            $name = $Read.service
            if ($name -cnotmatch '^[A-Za-z0-9_.-]{1,256}$') { return Get-ErrorAnswer 'invalid service name' }
            try {
                $found = @(Get-CimInstance -ClassName Win32_BaseService -Filter "Name='$name'" -ErrorAction Stop)
            } catch {
                if ([string]$_.CategoryInfo.Category -eq 'PermissionDenied') { return @{ state = 'denied' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            if ($found.Count -eq 0) { return @{ state = 'absent' } }
            @{ state = [string]$found[0].State; startMode = [string]$found[0].StartMode }
        }

        # The CIM classes a control may name (CimClass.allowed in the agent): only these properties, with a fixed
        # filter or policy store where given. The request names a class; it never carries a query.
        $cimClasses = @{
            'root\cimv2:Win32_OperatingSystem' = @{ Properties = @('Version', 'BuildNumber', 'SystemDrive', 'Caption') }
            'root\cimv2:Win32_ComputerSystem' = @{ Properties = @('Manufacturer', 'Model', 'NumberOfLogicalProcessors', 'NumberOfProcessors', 'TotalPhysicalMemory', 'AutomaticManagedPagefile') }
            'root\cimv2:Win32_Processor' = @{ Properties = @('DeviceID', 'NumberOfCores', 'NumberOfLogicalProcessors', 'MaxClockSpeed') }
            'root\cimv2:Win32_PhysicalMemory' = @{ Properties = @('Capacity') }
            'root\cimv2:Win32_PageFileSetting' = @{ Properties = @('Name', 'InitialSize', 'MaximumSize') }
            'root\cimv2:Win32_OptionalFeature' = @{ Properties = @('Name', 'InstallState'); Filter = "Name='MSMQ-Server' OR Name='MSMQ-Services' OR Name='WCF-MSMQ-Activation45'" }
            'root\cimv2:Win32_Volume' = @{ Properties = @('Name', 'DeviceID', 'DriveLetter', 'FileSystem', 'BlockSize', 'BootVolume'); Filter = 'DriveType=3' }
            'root\cimv2\Security\MicrosoftVolumeEncryption:Win32_EncryptableVolume' = @{ Properties = @('DeviceID', 'DriveLetter', 'ProtectionStatus') }
            'root\StandardCimv2:MSFT_NetFirewallProfile' = @{ Properties = @('Name', 'Enabled'); PolicyStore = 'ActiveStore' }
            'root\StandardCimv2:MSFT_NetAdapterRssSettingData' = @{ Properties = @('Name', 'InterfaceDescription', 'Enabled') }
            'root\StandardCimv2:MSFT_NetAdapterStatisticsSettingData' = @{ Properties = @('Name', 'InterfaceDescription', 'ReceivedDiscardedPackets', 'OutboundDiscardedPackets') }
            'root\StandardCimv2:MSFT_NetAdapterPowerManagementSettingData' = @{ Properties = @('Name', 'InterfaceDescription', 'AllowComputerToTurnOffDevice') }
            'root\cimv2:Win32_PerfRawData_Counters_HyperVDynamicMemoryIntegrationService' = @{ Properties = @('MaximumMemoryMbytes') }
            'root\cimv2:Win32_PerfRawData_vmGuestLib_VMem' = @{ Properties = @('MemReservationMB') }
            'root\Microsoft\Windows\SMB:MSFT_SmbServerConfiguration' = @{ Properties = @('EnableSMB1Protocol') }
            'root\cimv2:Win32_NetworkAdapterConfiguration' = @{ Properties = @('Description', 'TcpipNetbiosOptions'); Filter = 'IPEnabled=True' }
            'root\cimv2\TerminalServices:Win32_TSGeneralSetting' = @{ Properties = @('TerminalName', 'UserAuthenticationRequired') }
            'root\cimv2\power:Win32_PowerPlan' = @{ Properties = @('InstanceID', 'ElementName'); Filter = 'IsActive=True' }
            'root\Microsoft\Windows\Defender:MSFT_MpComputerStatus' = @{ Properties = @('AMServiceEnabled', 'AntivirusEnabled', 'RealTimeProtectionEnabled', 'AMRunningMode') }
            'root\Microsoft\Windows\Defender:MSFT_MpPreference' = @{ Properties = @('ExclusionPath', 'ExclusionProcess', 'ExclusionExtension') }
            'root\Microsoft\Windows\DeviceGuard:Win32_DeviceGuard' = @{ Properties = @('SecurityServicesRunning', 'SecurityServicesConfigured', 'VirtualizationBasedSecurityStatus') }
        }

        # Every instance of one allow-listed class, one query per class; a property that is null is left out.
        function Read-Cim($Read) {
            $entry = $cimClasses[$Read.cim]
            if ($null -eq $entry) { return Get-ErrorAnswer 'not an allow-listed CIM class' }
            $namespace, $class = $Read.cim -split ':', 2
            try {
                if ($entry.PolicyStore) {
                    $found = @(Get-NetFirewallProfile -PolicyStore $entry.PolicyStore -ErrorAction Stop)
                } else {
                    $query = @{ Namespace = $namespace; ClassName = $class; Property = $entry.Properties; ErrorAction = 'Stop' }
                    if ($entry.Filter) { $query.Filter = $entry.Filter }
                    $found = @(Get-CimInstance @query)
                }
            } catch {
                $category = [string]$_.CategoryInfo.Category
                if ($category -eq 'PermissionDenied') { return @{ state = 'denied' } }
                if ($category -eq 'ObjectNotFound' -or $category -eq 'MetadataError') { return @{ state = 'absent' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            $instances = @(foreach ($item in $found) {
                $instance = @{}
                foreach ($property in $entry.Properties) {
                    $value = $item.$property
                    if ($null -ne $value) { $instance[$property] = $value }
                }
                $instance
            })
            @{ instances = $instances }
        }

        \#(exchangeStage)
        # The certificate stores a control may name (CertificateStore.allowed in the agent), read through the
        # certificate provider, which works in Constrained Language. Dates go out in ISO 8601 UTC; the key size of
        # an ECC key, which .NET Framework cannot open as a key object, comes from its curve's name (nistP256: 256).
        $certificateStores = @('LocalMachine\My', 'LocalMachine\WebHosting')
        function Read-Certificates($Read) {
            $store = $Read.certificates
            if ($certificateStores -notcontains $store) { return Get-ErrorAnswer 'not an allow-listed certificate store' }
            try {
                $found = @(Get-ChildItem -LiteralPath ('Cert:\' + $store) -ErrorAction Stop)
            } catch {
                $category = [string]$_.CategoryInfo.Category
                if ($category -eq 'PermissionDenied' -or $category -eq 'SecurityError') { return @{ state = 'denied' } }
                if ($category -eq 'ObjectNotFound') { return @{ state = 'absent' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            $certificates = @(foreach ($cert in $found) {
                $keySize = 0
                try { $keySize = [int]$cert.PublicKey.Key.KeySize } catch {
                    $curve = [string]$cert.PublicKey.EncodedParameters.Oid.FriendlyName
                    if ($curve -match '(\d{3})$') { $keySize = [int]$Matches[1] }
                }
                @{
                    thumbprint = [string]$cert.Thumbprint
                    subject = [string]$cert.Subject
                    issuer = [string]$cert.Issuer
                    dnsNames = @(foreach ($name in $cert.DnsNameList) { [string]$name.Unicode })
                    notBefore = $cert.NotBefore.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
                    notAfter = $cert.NotAfter.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
                    keyAlgorithm = [string]$cert.PublicKey.Oid.FriendlyName
                    keySize = $keySize
                    signatureAlgorithm = [string]$cert.SignatureAlgorithm.FriendlyName
                    hasPrivateKey = [bool]$cert.HasPrivateKey
                }
            })
            @{ certificates = $certificates }
        }

        # XML configuration files (LocalPath and XmlPath in the agent): a fixed root found here, never a full path from
        # the request; the relative path and the element path are checked again before use. Each file is read once,
        # a DTD is refused, and the path is walked element by element here: it never reaches an XPath engine.
        $xmlFiles = @{}
        $xmlName = '[A-Za-z_][A-Za-z0-9._-]*'
        function Get-LocalRoot([string]$Root) {
            if ($Root -ceq 'InetsrvConfig') { return @{ Path = "$env:windir\System32\inetsrv\config" } }
            if ($Root -cne 'ExchangeInstall') { return @{ Answer = Get-ErrorAnswer 'not an allow-listed root' } }
            $install = Get-RegistryValueAnswer 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup' 'MsiInstallPath'
            if ($install.type -eq 'REG_SZ' -or $install.type -eq 'REG_EXPAND_SZ') { return @{ Path = $install.data.TrimEnd('\') } }
            if ($install.state -eq 'denied' -or $install.state -eq 'error') { return @{ Answer = @{ state = $install.state; message = $install.message } } }
            @{ Answer = @{ state = 'fileAbsent' } }
        }

        function Get-XmlDocument([string]$Path) {
            if (-not $xmlFiles.ContainsKey($Path)) {
                try {
                    $text = Get-Content -LiteralPath $Path -Raw -ErrorAction Stop
                    if ($null -eq $text -or $text -match '<!DOCTYPE') {
                        $loaded = @{ Answer = @{ state = 'malformed'; message = 'empty, or carries a DTD' } }
                    } else {
                        try { $loaded = @{ Document = [xml]$text } }
                        catch { $loaded = @{ Answer = @{ state = 'malformed'; message = $_.Exception.Message } } }
                    }
                } catch {
                    $category = [string]$_.CategoryInfo.Category
                    if ($category -eq 'ObjectNotFound') { $loaded = @{ Answer = @{ state = 'fileAbsent' } } }
                    elseif ($category -eq 'PermissionDenied') { $loaded = @{ Answer = @{ state = 'denied' } } }
                    else { $loaded = @{ Answer = Get-ErrorAnswer $_.Exception.Message } }
                }
                $xmlFiles[$Path] = $loaded
            }
            $xmlFiles[$Path]
        }

        function Get-XmlAttribute($Element, [string]$Name) {
            foreach ($attribute in $Element.Attributes) { if ($attribute.Name -ceq $Name) { return $attribute.Value } }
        }

        # One entry per element the path reaches: @{ value = ... }, or @{} when the element has no such attribute. A
        # path may end with up to 8 '..' steps before its attribute: the attribute is then read from that ancestor of
        # each element reached, still one entry per element.
        function Read-Xml($Read) {
            $part = '[A-Za-z0-9 _.()-]+'
            if ($Read.file -cnotmatch "^$part(\\$part)*$" -or $Read.file -match '(^|\\)\.+(\\|$)') { return Get-ErrorAnswer 'invalid file path' }
            if ($Read.path -cnotmatch "^(/$xmlName(\[@$xmlName='[^'\[\]/]*'\])?)+((/\.\.){0,8}/@$xmlName)?$") { return Get-ErrorAnswer 'invalid XML path' }
            $root = Get-LocalRoot $Read.xml
            if ($root.Answer) { return $root.Answer }
            $loaded = Get-XmlDocument "$($root.Path)\$($Read.file)"
            if ($loaded.Answer) { return $loaded.Answer }
            $steps = @($Read.path.Substring(1).Split('/'))
            $attribute = $null
            if ($steps[-1].StartsWith('@')) { $attribute = $steps[-1].Substring(1); $steps = @($steps[0..($steps.Count - 2)]) }
            $ups = 0
            while ($steps[-1] -ceq '..') { $ups++; $steps = @($steps[0..($steps.Count - 2)]) }
            $nodes = @($loaded.Document)
            foreach ($step in $steps) {
                $null = $step -cmatch "^($xmlName)(\[@($xmlName)='([^']*)'\])?$"
                $name = $Matches[1]
                $filterName = $Matches[3]
                $filterValue = $Matches[4]
                $nodes = @(foreach ($node in $nodes) {
                    foreach ($child in $node.ChildNodes) {
                        if ($child.NodeType -ne 'Element' -or $child.LocalName -cne $name) { continue }
                        if ($filterName -and (Get-XmlAttribute $child $filterName) -cne $filterValue) { continue }
                        $child
                    }
                })
            }
            $found = @(foreach ($node in $nodes) {
                $entry = @{}
                for ($up = 0; $up -lt $ups; $up++) { $node = $node.ParentNode }
                if ($attribute) {
                    $value = Get-XmlAttribute $node $attribute
                    if ($null -ne $value) { $entry.value = [string]$value }
                }
                $entry
            })
            @{ matches = $found }
        }

        # The names of a folder's subfolders, under the same roots as the XML files.
        function Read-Subfolders($Read) {
            $part = '[A-Za-z0-9 _.()-]+'
            if ($Read.folder -cnotmatch "^$part(\\$part)*$" -or $Read.folder -match '(^|\\)\.+(\\|$)') { return Get-ErrorAnswer 'invalid folder path' }
            $root = Get-LocalRoot $Read.subfolders
            if ($root.Answer) {
                if ($root.Answer.state -eq 'fileAbsent') { return @{ state = 'absent' } }
                return $root.Answer
            }
            try { $names = @(Get-ChildItem -LiteralPath "$($root.Path)\$($Read.folder)" -Directory -Name -ErrorAction Stop) } catch {
                $category = [string]$_.CategoryInfo.Category
                if ($category -eq 'ObjectNotFound') { return @{ state = 'absent' } }
                if ($category -eq 'PermissionDenied') { return @{ state = 'denied' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            @{ subfolders = $names }
        }

        # A folder's access control list ('' is the root itself): each entry's account, SID, access mask, type and
        # inheritance. Translating an account to its SID is a method call, which Constrained Language forbids: there
        # the SIDs come from the SDDL's DACL entries, paired by position when the counts agree; otherwise they are
        # left out, and the agent does not trust an entry it cannot identify.
        $sddlSids = @{ SY = 'S-1-5-18'; BA = 'S-1-5-32-544'; BU = 'S-1-5-32-545'; AU = 'S-1-5-11'; WD = 'S-1-1-0'; CO = 'S-1-3-0'; NS = 'S-1-5-20'; LS = 'S-1-5-19'; AC = 'S-1-15-2-1'; IU = 'S-1-5-4'; PU = 'S-1-5-32-547'; BO = 'S-1-5-32-551'; SO = 'S-1-5-32-549'; NU = 'S-1-5-2'; OW = 'S-1-3-4'; RC = 'S-1-5-12' }
        function Get-SddlSids([string]$Sddl) {
            $dacl = ($Sddl -split 'D:', 2)[1]
            if (-not $dacl) { return @() }
            $dacl = ($dacl -split 'S:', 2)[0]
            @(foreach ($ace in ($dacl -split '\)' | Where-Object { $_ -match '\(' })) {
                $sid = ($ace -split ';')[-1]
                if ($sddlSids.ContainsKey($sid)) { $sddlSids[$sid] } elseif ($sid -cmatch '^S-1-[0-9-]+$') { $sid } else { '' }
            })
        }
        function Read-Acl($Read) {
            $part = '[A-Za-z0-9 _.()-]+'
            if ($Read.folder -ne '' -and ($Read.folder -cnotmatch "^$part(\\$part)*$" -or $Read.folder -match '(^|\\)\.+(\\|$)')) { return Get-ErrorAnswer 'invalid folder path' }
            $root = Get-LocalRoot $Read.acl
            if ($root.Answer) {
                if ($root.Answer.state -eq 'fileAbsent') { return @{ state = 'absent' } }
                return $root.Answer
            }
            $path = $root.Path
            if ($Read.folder) { $path = "$path\$($Read.folder)" }
            try { $acl = Get-Acl -LiteralPath $path -ErrorAction Stop } catch {
                $category = [string]$_.CategoryInfo.Category
                if ($category -eq 'ObjectNotFound') { return @{ state = 'absent' } }
                if ($category -eq 'PermissionDenied') { return @{ state = 'denied' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            $rules = @($acl.Access)
            $sids = @()
            if (-not $fullLanguage) {
                $sids = @(Get-SddlSids $acl.Sddl)
                if ($sids.Count -ne $rules.Count) { $sids = @() }
            }
            $index = 0
            $entries = @(foreach ($rule in $rules) {
                [long]$mask = [int]$rule.FileSystemRights
                if ($mask -lt 0) { $mask += 4294967296 }
                $entry = @{ identity = [string]$rule.IdentityReference; rights = $mask; type = [string]$rule.AccessControlType; inherited = [bool]$rule.IsInherited }
                if ($fullLanguage) {
                    try { $entry.sid = [string]$rule.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]) } catch { }
                } elseif ($sids.Count -gt 0 -and $sids[$index]) {
                    $entry.sid = $sids[$index]
                }
                $index++
                $entry
            })
            @{ aces = $entries }
        }

        # The TLS cipher suites Windows offers, in its order of preference (the TLS module of Windows Server 2016
        # and later; no CIM class holds them): each suite's name and the protocol versions it serves (771 = TLS 1.2,
        # 772 = TLS 1.3). The request names the cmdlet; nothing else is accepted.
        function Read-CipherSuites($Read) {
            if ($Read.cipherSuites -cne 'Get-TlsCipherSuite') { return Get-ErrorAnswer 'unknown cipher suite source' }
            if (-not (Get-Command -Name 'Get-TlsCipherSuite' -ErrorAction SilentlyContinue)) { return @{ state = 'absent' } }
            try {
                $found = @(Get-TlsCipherSuite -ErrorAction Stop)
            } catch {
                if ([string]$_.CategoryInfo.Category -eq 'PermissionDenied') { return @{ state = 'denied' } }
                return Get-ErrorAnswer $_.Exception.Message
            }
            $suites = @(foreach ($suite in $found) {
                @{ name = [string]$suite.Name; protocols = @(foreach ($version in $suite.Protocols) { [int]$version }) }
            })
            @{ suites = $suites }
        }

        # The kinds of read, by the member that names them: the reader, and the other members the read must have
        # and may have. A new kind of read is a reader and a row here.
        $readers = @{
            value = @{ Reader = 'Read-Value'; Required = @('name'); Optional = @() }
            key = @{ Reader = 'Read-Key'; Required = @(); Optional = @() }
            subkeys = @{ Reader = 'Read-Subkeys'; Required = @(); Optional = @('name') }
            service = @{ Reader = 'Read-Service'; Required = @(); Optional = @() }
            cim = @{ Reader = 'Read-Cim'; Required = @(); Optional = @() }
            exchange = @{ Reader = 'Read-Exchange'; Required = @(); Optional = @() }
            certificates = @{ Reader = 'Read-Certificates'; Required = @(); Optional = @() }
            xml = @{ Reader = 'Read-Xml'; Required = @('file', 'path'); Optional = @() }
            subfolders = @{ Reader = 'Read-Subfolders'; Required = @('folder'); Optional = @() }
            acl = @{ Reader = 'Read-Acl'; Required = @('folder'); Optional = @() }
            cipherSuites = @{ Reader = 'Read-CipherSuites'; Required = @(); Optional = @() }
        }

        # One read's answer: an object with exactly one kind's member, that kind's other members, all strings.
        function Get-Answer($Read) {
            if ($Read.PSObject.TypeNames -notcontains 'System.Management.Automation.PSCustomObject') {
                return Get-ErrorAnswer 'unknown read'
            }
            $members = @($Read.PSObject.Properties)
            $kinds = @($members | Where-Object { $readers.Keys -ccontains $_.Name })
            if ($kinds.Count -ne 1 -or @($members | Where-Object { $_.Value -isnot [string] }).Count -gt 0) {
                return Get-ErrorAnswer 'unknown read'
            }
            $reader = $readers[$kinds[0].Name]
            $others = @($members | Where-Object { $_.Name -cne $kinds[0].Name } | ForEach-Object { $_.Name })
            foreach ($name in $others) {
                if (($reader.Required + $reader.Optional) -cnotcontains $name) { return Get-ErrorAnswer 'unknown read' }
            }
            foreach ($name in $reader.Required) {
                if ($others -cnotcontains $name) { return Get-ErrorAnswer 'unknown read' }
            }
            & $reader.Reader $Read
        }

        # Only ASCII leaves the server, so no console code page can change it: other characters become \u escapes,
        # and a lone UTF-16 surrogate (a damaged string) becomes U+FFFD, as a UTF-8 encoder would write it.
        function ConvertTo-AsciiJson([string]$Json) {
            if ($Json -notmatch '[^\x00-\x7F]') { return $Json }
            $Json = $Json -replace '[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]', '\ufffd'
            -join @(foreach ($part in [regex]::Split($Json, '([^\x00-\x7F])')) {
                if ($part.Length -eq 1 -and [int][char]$part -gt 127) { '\u{0:x4}' -f [int][char]$part } else { $part }
            })
        }

        $answers = @(foreach ($read in $Request.reads) {
            if (([datetime]::UtcNow - $started).TotalSeconds -ge [double]$deadline) {
                Get-ErrorAnswer 'probe deadline reached'
                continue
            }
            try { Get-Answer $read } catch { Get-ErrorAnswer $_.Exception.Message }
        })
        $json = @{ edcaProbe = 1; nonce = $Request.nonce; answers = $answers } | ConvertTo-Json -Depth 8 -Compress
        $nonce = $Request.nonce
        $text = "`r`nEDCA-PROBE-BEGIN $nonce`r`n$(ConvertTo-AsciiJson $json)`r`nEDCA-PROBE-END $nonce`r`n"
        if ($fullLanguage) {
            $stdout = [Console]::OpenStandardOutput()
            $bytes = [System.Text.Encoding]::ASCII.GetBytes($text)
            $stdout.Write($bytes, 0, $bytes.Length)
            $stdout.Flush()
        } else {
            Write-Output $text
        }
        # After the answer is out: closing the Exchange stage's runspace also ends a call that did not stop.
        if ($exchangeState.Stage.Runspace) { $exchangeState.Stage.Runspace.Dispose() }
        """#

    /// The SHA-256 of the probe script's UTF-8 bytes, in uppercase hexadecimal, as the bootstrap checks it.
    package static let probeSHA256 = sha256(of: probe)

    /// The SHA-256 of a text's UTF-8 bytes, in uppercase hexadecimal.
    package static func sha256(of text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let text = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

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
