# Draft fact readers for issue 16. Windows PowerShell 5.1, Constrained Language Mode safe. Not wired into the probe.
#
# Rules every reader follows:
# - What to read arrives as DATA: names, classes, properties and relative paths. Each is checked against the fixed
#   allow-lists below (and, for paths and XML element paths, a strict grammar) before use. Nothing a control says is
#   ever run, and no string from a request is pasted into a command line or script block.
# - Only cmdlets, property reads, the -f/-split/-match/-replace operators, casts to core types ([int64], [string],
#   [bool], [datetime]) and methods of strings and dates. XML is read with Select-Xml (no [xml] cast). No New-Object, no Add-Type, no [Type]::StaticMethod(), no method calls on objects
#   other than core types (string, DateTime), so the readers also run under Constrained Language Mode
#   (AppLocker/WDAC-locked servers).
# - Each item answers for itself: @{state='denied'|'absent'|'notInstalled'|'error'; message=...}. One failing item never
#   fails the read. Every reader returns plain hashtables and arrays, so ConvertTo-Json -Depth 8 renders them.
# - Each reader checks the deadline before each item, and answers 'probe deadline reached' once it has passed.
#
# "Non-admin:" under each reader says what a standard (non-administrator) account can read. Most of it is inferred
# from Windows defaults; verify on a lab server before documenting.

# No Set-StrictMode: Defender and NetAdapter objects differ between Windows builds (AMRunningMode appears in 2019),
# and a missing property must read as $null, not stop the reader.

# ---------------------------------------------------------------------------------------------------------------
# Allow-lists (the agent's control loader checks controls against the same lists)
# ---------------------------------------------------------------------------------------------------------------

$EdcaAllowedServices = @(
    'MSExchangeMitigation', 'MSExchangePOP3', 'MSExchangeIMAP4', 'MSExchangePOP3BE', 'MSExchangeIMAP4BE',
    'MSExchangeTransport', 'MSExchangeFrontEndTransport', 'MSExchangeIS', 'MSExchangeHM', 'MSExchangeUM',
    'vsepflt', 'vnetflt', 'WinDefend', 'W3SVC', 'MSMQ'
)

# class key: 'namespace:class'. Properties: those a control may name. KeyProperty/KeyValues: an optional fixed filter.
$EdcaAllowedCim = @{
    'root\cimv2:Win32_OperatingSystem'           = @{ Properties = @('Version', 'BuildNumber', 'SystemDrive', 'Caption') }
    'root\cimv2:Win32_ComputerSystem'            = @{ Properties = @('Manufacturer', 'Model', 'NumberOfLogicalProcessors', 'NumberOfProcessors', 'TotalPhysicalMemory', 'AutomaticManagedPagefile') }
    'root\cimv2:Win32_Processor'                 = @{ Properties = @('DeviceID', 'NumberOfCores', 'NumberOfLogicalProcessors', 'MaxClockSpeed') }
    'root\cimv2:Win32_PhysicalMemory'            = @{ Properties = @('Capacity') }
    'root\cimv2:Win32_PageFileSetting'           = @{ Properties = @('Name', 'InitialSize', 'MaximumSize') }
    'root\cimv2:Win32_Volume'                    = @{ Properties = @('Name', 'DriveLetter', 'DriveType', 'FileSystem', 'BlockSize', 'Capacity', 'FreeSpace', 'Label') }
    'root\cimv2:Win32_NetworkAdapterConfiguration' = @{ Properties = @('SettingID', 'Description', 'IPEnabled') }
    'root\cimv2:Win32_OptionalFeature'           = @{ Properties = @('Name', 'InstallState'); KeyProperty = 'Name'; KeyValues = @('MSMQ-Server', 'MSMQ-Services', 'WCF-MSMQ-Activation45') }
    'root\Microsoft\Windows\DeviceGuard:Win32_DeviceGuard' = @{ Properties = @('SecurityServicesRunning', 'SecurityServicesConfigured', 'VirtualizationBasedSecurityStatus') }
}

$EdcaAllowedCertificateStores = @('My', 'WebHosting', 'Root', 'CA')

# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

# The per-item answer for a caught error record: 'denied' for access problems, 'absent' for not found, else 'error'.
function ConvertTo-EdcaErrorAnswer {
    param($ErrorRecord)
    $category = [string]$ErrorRecord.CategoryInfo.Category
    $id = [string]$ErrorRecord.FullyQualifiedErrorId
    $message = [string]$ErrorRecord.Exception.Message
    if ($category -eq 'PermissionDenied' -or $id -match 'UnauthorizedAccess|AccessDenied' -or $message -match 'Access (is )?denied') {
        return @{ state = 'denied'; message = $message }
    }
    if ($category -eq 'ObjectNotFound' -or $id -match 'PathNotFound|NotFound' -or $message -match 'Invalid (class|namespace)') {
        return @{ state = 'absent'; message = $message }
    }
    return @{ state = 'error'; message = $message }
}

function Test-EdcaDeadlinePassed {
    param([datetime]$Deadline)
    return (Get-Date) -gt $Deadline
}

$EdcaDeadlineAnswer = @{ state = 'error'; message = 'probe deadline reached' }

# A date as ISO 8601 UTC text, or $null.
function ConvertTo-EdcaUtcText {
    param($Date)
    if ($null -eq $Date) { return $null }
    return '{0:yyyy-MM-ddTHH:mm:ssZ}' -f ([datetime]$Date).ToUniversalTime()
}

# The Exchange install path from the Setup key, or $null.
function Get-EdcaExchangeInstallPath {
    $setup = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\Setup' -ErrorAction SilentlyContinue
    if ($null -eq $setup) { return $null }
    foreach ($name in 'MsiInstallPath', 'InstallPath') {
        $property = $setup.PSObject.Properties[$name]
        if ($null -ne $property -and [string]$property.Value -ne '') { return ([string]$property.Value).TrimEnd('\') }
    }
    return $null
}

# Resolves an allow-listed root plus a relative path, or returns an answer hashtable when that is not possible.
# Relative paths: Windows names separated by '\'; no '..', no ':', no leading '\', no wildcards.
function Resolve-EdcaRootedPath {
    param([string]$Root, [string]$RelativePath)
    if ($RelativePath -ne '' -and $RelativePath -notmatch '^[A-Za-z0-9 _.()-]+(\\[A-Za-z0-9 _.()-]+)*$') {
        return @{ answer = @{ state = 'error'; message = 'relative path refused' } }
    }
    if ($RelativePath -match '(^|\\)\.\.?(\\|$)') { return @{ answer = @{ state = 'error'; message = 'relative path refused' } } }
    $base = $null
    switch ($Root) {
        'ExchangeInstall' { $base = Get-EdcaExchangeInstallPath }
        'InetsrvConfig'   { $base = (Get-Item -LiteralPath 'Env:windir').Value + '\System32\inetsrv\config' }
        default { return @{ answer = @{ state = 'error'; message = "root '$Root' is not allow-listed" } } }
    }
    if ($null -eq $base) { return @{ answer = @{ state = 'absent'; message = "root $Root not found" } } }
    if ($RelativePath -eq '') { return @{ path = $base } }
    return @{ path = $base + '\' + $RelativePath }
}

# ---------------------------------------------------------------------------------------------------------------
# service: state and start mode of services and kernel drivers
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: yes. The service control manager lets Authenticated Users enumerate and query services; Win32_BaseService
# covers drivers too. A service whose own DACL hides it from the account is missing from CIM while its registry key
# exists: answered 'denied'.
function Read-EdcaServiceFacts {
    param([string[]]$Names, [datetime]$Deadline)
    $result = @{}
    $wanted = @($Names | Where-Object { $EdcaAllowedServices -contains $_ })
    foreach ($name in $Names) {
        if ($wanted -notcontains $name) { $result[$name] = @{ state = 'error'; message = 'service not allow-listed' } }
    }
    if ($wanted.Count -eq 0) { return $result }
    if (Test-EdcaDeadlinePassed $Deadline) { foreach ($name in $wanted) { $result[$name] = $EdcaDeadlineAnswer }; return $result }
    # Names are allow-listed constants, so building the WQL filter from them is safe.
    $filter = ($wanted | ForEach-Object { "Name='$_'" }) -join ' OR '
    try {
        $found = @(Get-CimInstance -ClassName Win32_BaseService -Filter $filter -Property Name, State, StartMode -ErrorAction Stop)
    } catch {
        $answer = ConvertTo-EdcaErrorAnswer $_
        foreach ($name in $wanted) { $result[$name] = $answer }
        return $result
    }
    foreach ($name in $wanted) {
        $service = $found | Where-Object { $_.Name -eq $name } | Select-Object -First 1
        if ($null -ne $service) {
            $result[$name] = @{ present = $true; state = [string]$service.State; startMode = [string]$service.StartMode }
        } elseif (Test-Path -LiteralPath "HKLM:\SYSTEM\CurrentControlSet\Services\$name") {
            $result[$name] = @{ state = 'denied'; message = 'registered but not visible to this account' }
        } else {
            $result[$name] = @{ present = $false }
        }
    }
    return $result
}

# ---------------------------------------------------------------------------------------------------------------
# cim: allow-listed classes and properties, one query per class
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: root\cimv2 classes above are readable by local Authenticated Users (inferred). The DeviceGuard
# namespace and the performance classes may need an administrator or Performance Monitor Users: 'denied'.
# Request: @{ 'root\cimv2:Win32_ComputerSystem' = @('Manufacturer', 'Model'); ... }
function Read-EdcaCimFacts {
    param([hashtable]$Request, [datetime]$Deadline)
    $result = @{}
    foreach ($classKey in $Request.Keys) {
        if (Test-EdcaDeadlinePassed $Deadline) { $result[$classKey] = $EdcaDeadlineAnswer; continue }
        $allowed = $EdcaAllowedCim[$classKey]
        if ($null -eq $allowed) { $result[$classKey] = @{ state = 'error'; message = 'class not allow-listed' }; continue }
        $properties = @($Request[$classKey] | Where-Object { $allowed.Properties -contains $_ })
        if ($properties.Count -eq 0 -or $properties.Count -ne @($Request[$classKey]).Count) {
            $result[$classKey] = @{ state = 'error'; message = 'property not allow-listed' }; continue
        }
        $parts = $classKey -split ':', 2
        $query = @{ Namespace = $parts[0]; ClassName = $parts[1]; Property = $properties; ErrorAction = 'Stop' }
        if ($allowed.ContainsKey('KeyProperty')) {
            $query.Filter = ($allowed.KeyValues | ForEach-Object { "$($allowed.KeyProperty)='$_'" }) -join ' OR '
        }
        try {
            $instances = @(Get-CimInstance @query)
        } catch {
            $result[$classKey] = ConvertTo-EdcaErrorAnswer $_; continue
        }
        $rows = @()
        foreach ($instance in $instances) {
            $row = @{}
            foreach ($property in $properties) {
                $value = $instance.$property
                if ($value -is [datetime]) { $value = ConvertTo-EdcaUtcText $value }
                $row[$property] = $value
            }
            $rows += , $row
        }
        $result[$classKey] = @{ instances = $rows }
    }
    return $result
}

# ---------------------------------------------------------------------------------------------------------------
# xml: attributes of elements in a file under an allow-listed root
# ---------------------------------------------------------------------------------------------------------------
# Element path grammar (checked before use): '/' name ( '/' name )* with at most one predicate [@attr='literal'] per
# step; names [A-Za-z_][A-Za-z0-9._-]*; the literal has no quote. Attributes: '@name', optionally prefixed with
# '../' up to 4 times (an ancestor's attribute).
# Non-admin: files under the Exchange install path mostly yes (Users: Read & Execute inherited from Program Files);
# %windir%\System32\inetsrv\config is Administrators/SYSTEM only: 'denied'.
# Request item: @{ root = 'ExchangeInstall'; file = 'Bin\EdgeTransport.exe.config'; select = '/configuration/appSettings/add[@key=''X'']'; attributes = @('@value') }
$EdcaXmlStep = '[A-Za-z_][A-Za-z0-9._-]*(\[@[A-Za-z_][A-Za-z0-9._-]*=''[^''\[\]]*''\])?'
$EdcaXmlSelectPattern = '^(/' + $EdcaXmlStep + ')+$'
$EdcaXmlAttributePattern = '^(\.\./){0,4}@[A-Za-z_][A-Za-z0-9._-]*$'

function Read-EdcaXmlFacts {
    param([object[]]$Items, [datetime]$Deadline)
    $result = @()
    foreach ($item in $Items) {
        $answer = $null
        if (Test-EdcaDeadlinePassed $Deadline) { $answer = $EdcaDeadlineAnswer }
        elseif ([string]$item.select -notmatch $EdcaXmlSelectPattern) { $answer = @{ state = 'error'; message = 'element path refused' } }
        elseif (@($item.attributes | Where-Object { [string]$_ -notmatch $EdcaXmlAttributePattern }).Count -gt 0) { $answer = @{ state = 'error'; message = 'attribute path refused' } }
        else {
            $resolved = Resolve-EdcaRootedPath -Root $item.root -RelativePath $item.file
            if ($resolved.ContainsKey('answer')) { $answer = $resolved.answer }
            else { $answer = Read-EdcaXmlFile -Path $resolved.path -Select $item.select -Attributes $item.attributes }
        }
        $result += , @{ root = $item.root; file = $item.file; select = $item.select; answer = $answer }
    }
    return $result
}

function Read-EdcaXmlFile {
    param([string]$Path, [string]$Select, [string[]]$Attributes)
    try {
        $null = Get-Item -LiteralPath $Path -ErrorAction Stop
    } catch {
        $answer = ConvertTo-EdcaErrorAnswer $_
        if ($answer.state -eq 'absent') { return @{ state = 'fileAbsent' } }
        return $answer
    }
    try {
        $nodes = @(Select-Xml -LiteralPath $Path -XPath $Select -ErrorAction Stop)
    } catch {
        $answer = ConvertTo-EdcaErrorAnswer $_
        if ($answer.state -eq 'error') { return @{ state = 'parseError'; message = $answer.message } }
        return $answer
    }
    $rows = @()
    foreach ($hit in $nodes) {
        $row = @{}
        foreach ($attribute in $Attributes) {
            $node = $hit.Node
            $name = $attribute
            while ($name.StartsWith('../')) { $node = $node.ParentNode; $name = $name.Substring(3) }
            $name = $name.Substring(1)
            $found = $null
            if ($null -ne $node -and $null -ne $node.Attributes) {
                $found = $node.Attributes | Where-Object { $_.Name -eq $name } | Select-Object -First 1
            }
            $row[$attribute] = if ($null -ne $found) { [string]$found.Value } else { $null }
        }
        $rows += , $row
    }
    return @{ matches = $rows }
}

# ---------------------------------------------------------------------------------------------------------------
# iisModules: global modules and the signature of each image
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: no. applicationHost.config is readable by Administrators and SYSTEM only, so the answer is 'denied'.
function Read-EdcaIisModuleFacts {
    param([datetime]$Deadline)
    $resolved = Resolve-EdcaRootedPath -Root 'InetsrvConfig' -RelativePath 'applicationHost.config'
    $xml = Read-EdcaXmlFile -Path $resolved.path -Select '/configuration/system.webServer/globalModules/add' -Attributes @('@name', '@image')
    if (-not $xml.ContainsKey('matches')) { return $xml }
    $modules = @()
    foreach ($module in $xml.matches) {
        if (Test-EdcaDeadlinePassed $Deadline) { $modules += , @{ name = $module['@name']; state = 'error'; message = 'probe deadline reached' }; continue }
        $image = Expand-EdcaEnvironmentText ([string]$module['@image'])
        $entry = @{ name = $module['@name']; image = $image; imageExists = $false; signatureStatus = $null; signatureType = $null; signerSubject = $null; isOSBinary = $null }
        if ($image -ne '' -and (Test-Path -LiteralPath $image -PathType Leaf)) {
            $entry.imageExists = $true
            try {
                $signature = Get-AuthenticodeSignature -LiteralPath $image -ErrorAction Stop
                $entry.signatureStatus = [string]$signature.Status
                $entry.signatureType = [string]$signature.SignatureType
                $entry.isOSBinary = [bool]$signature.IsOSBinary
                if ($null -ne $signature.SignerCertificate) { $entry.signerSubject = [string]$signature.SignerCertificate.Subject }
            } catch {
                $failure = ConvertTo-EdcaErrorAnswer $_
                $entry.signatureStatus = $failure.state
            }
        }
        $modules += , $entry
    }
    return @{ modules = $modules }
}

# Expands %NAME% from the process environment without [Environment]::ExpandEnvironmentVariables (not CLM-safe).
function Expand-EdcaEnvironmentText {
    param([string]$Text)
    $parts = $Text -split '%'
    if ($parts.Count -lt 3) { return $Text }
    $out = $parts[0]
    for ($i = 1; $i -lt $parts.Count; $i++) {
        if ($i % 2 -eq 1 -and $i -lt $parts.Count - 1) {
            $variable = Get-Item -LiteralPath ('Env:' + $parts[$i]) -ErrorAction SilentlyContinue
            if ($null -ne $variable) { $out += $variable.Value } else { $out += '%' + $parts[$i] + '%' }
        } else {
            $out += $parts[$i]
        }
    }
    return $out
}

# ---------------------------------------------------------------------------------------------------------------
# defender: status and exclusion preferences
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: status yes. Exclusion lists no: current platforms return a single placeholder string
# ('N/A: Must be an administrator to view exclusions'), answered 'denied'.
function Read-EdcaDefenderFacts {
    param([datetime]$Deadline)
    if ($null -eq (Get-Command -Name Get-MpComputerStatus -ErrorAction SilentlyContinue)) {
        return @{ state = 'notInstalled' }
    }
    $answer = @{}
    try {
        $status = Get-MpComputerStatus -ErrorAction Stop
        $answer.status = @{
            amServiceEnabled          = $status.AMServiceEnabled
            antivirusEnabled          = $status.AntivirusEnabled
            realTimeProtectionEnabled = $status.RealTimeProtectionEnabled
            amRunningMode             = [string]$status.AMRunningMode
        }
    } catch { $answer.status = ConvertTo-EdcaErrorAnswer $_ }
    if (Test-EdcaDeadlinePassed $Deadline) { $answer.preferences = $EdcaDeadlineAnswer; return $answer }
    try {
        $preferences = Get-MpPreference -ErrorAction Stop
        $lists = @{ exclusionPath = @($preferences.ExclusionPath); exclusionProcess = @($preferences.ExclusionProcess); exclusionExtension = @($preferences.ExclusionExtension) }
        $masked = @($lists.Values | ForEach-Object { $_ } | Where-Object { [string]$_ -match '^N/A: ' }).Count -gt 0
        if ($masked) { $answer.preferences = @{ state = 'denied'; message = 'exclusions are shown to administrators only' } }
        else {
            foreach ($key in @($lists.Keys)) { $lists[$key] = @($lists[$key] | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ }) }
            $answer.preferences = $lists
        }
    } catch { $answer.preferences = ConvertTo-EdcaErrorAnswer $_ }
    return $answer
}

# ---------------------------------------------------------------------------------------------------------------
# firewallProfile: the effective (active store) state of each profile
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: unverified (MSFT_NetFirewallProfile in root\StandardCimv2); 'denied' when refused.
function Read-EdcaFirewallFacts {
    param([datetime]$Deadline)
    if ($null -eq (Get-Command -Name Get-NetFirewallProfile -ErrorAction SilentlyContinue)) { return @{ state = 'notInstalled' } }
    try {
        $profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore -ErrorAction Stop | ForEach-Object {
            @{ name = [string]$_.Name; enabled = ([string]$_.Enabled -eq 'True') }
        })
        return @{ profiles = $profiles }
    } catch { return ConvertTo-EdcaErrorAnswer $_ }
}

# ---------------------------------------------------------------------------------------------------------------
# tlsCipherSuite: suites in the order Windows offers them
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: yes (reads the CNG configuration). Group Policy order: read separately from the registry
# (HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002 Functions) by the registry probe.
function Read-EdcaTlsCipherSuiteFacts {
    param([datetime]$Deadline)
    if ($null -eq (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue)) { return @{ state = 'notInstalled' } }
    try {
        $suites = @(Get-TlsCipherSuite -ErrorAction Stop | ForEach-Object {
            @{ name = [string]$_.Name; protocols = @($_.Protocols | ForEach-Object { [int64]$_ }); exchange = [string]$_.Exchange; cipher = [string]$_.Cipher; hash = [string]$_.Hash }
        })
        return @{ suites = $suites }
    } catch { return ConvertTo-EdcaErrorAnswer $_ }
}

# ---------------------------------------------------------------------------------------------------------------
# pageFile and volume
# ---------------------------------------------------------------------------------------------------------------
# Non-admin: yes for Win32_ComputerSystem and Win32_PageFileSetting (inferred).
function Read-EdcaPageFileFacts {
    param([datetime]$Deadline)
    $answer = @{}
    try {
        $answer.automaticManaged = [bool](Get-CimInstance -ClassName Win32_ComputerSystem -Property AutomaticManagedPagefile -ErrorAction Stop).AutomaticManagedPagefile
    } catch { $answer.automaticManaged = ConvertTo-EdcaErrorAnswer $_ }
    try {
        $answer.settings = @(Get-CimInstance -ClassName Win32_PageFileSetting -Property Name, InitialSize, MaximumSize -ErrorAction Stop | ForEach-Object {
            @{ name = [string]$_.Name; initialSize = [int64]$_.InitialSize; maximumSize = [int64]$_.MaximumSize }
        })
    } catch { $answer.settings = ConvertTo-EdcaErrorAnswer $_ }
    return $answer
}

# Non-admin: Win32_Volume FileSystem yes; BlockSize unverified (may be empty without administrator rights).
function Read-EdcaVolumeFacts {
    param([datetime]$Deadline)
    $answer = @{}
    try {
        $answer.systemDrive = [string](Get-CimInstance -ClassName Win32_OperatingSystem -Property SystemDrive -ErrorAction Stop).SystemDrive
    } catch { $answer.systemDrive = ConvertTo-EdcaErrorAnswer $_ }
    try {
        $answer.volumes = @(Get-CimInstance -ClassName Win32_Volume -Filter 'DriveType = 3' -Property Name, DriveLetter, FileSystem, BlockSize, Capacity, Label -ErrorAction Stop | ForEach-Object {
            @{ name = [string]$_.Name; driveLetter = [string]$_.DriveLetter; fileSystem = [string]$_.FileSystem; blockSize = $_.BlockSize; capacity = $_.Capacity; label = [string]$_.Label }
        })
    } catch { $answer.volumes = ConvertTo-EdcaErrorAnswer $_ }
    return $answer
}

# ---------------------------------------------------------------------------------------------------------------
# Example: what one probe run would do with a request (for review; the real probe takes the request from the payload)
# ---------------------------------------------------------------------------------------------------------------
# $deadline = (Get-Date).AddSeconds(50)
# @{
#     service     = Read-EdcaServiceFacts -Names @('MSExchangeMitigation', 'MSExchangePOP3') -Deadline $deadline
#     cim         = Read-EdcaCimFacts -Request @{ 'root\cimv2:Win32_ComputerSystem' = @('Manufacturer', 'Model') } -Deadline $deadline
#     xml         = Read-EdcaXmlFacts -Items @(@{ root = 'ExchangeInstall'; file = 'Bin\EdgeTransport.exe.config'; select = "/configuration/appSettings/add[@key='TemporaryStoragePath']"; attributes = @('@value') }) -Deadline $deadline
#     defender    = Read-EdcaDefenderFacts -Deadline $deadline
# } | ConvertTo-Json -Depth 8 -Compress
