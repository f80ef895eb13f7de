# Draft Exchange stage for issue 12. Windows PowerShell 5.1. Not wired into the probe; never run (no PowerShell on
# the build machine): review it on an Exchange 2019 and an Exchange SE lab server, Mailbox and Edge, once over
# password SSH and once over key SSH.
#
# What it does, in order:
#   1. Exchange present?  No Setup key, or no allow-listed snap-in registered      -> state 'notInstalled'.
#   2. Network credential? (Mailbox only) an authenticated LDAP read of the Exchange
#      configuration container fails with an authentication error                 -> state 'noNetworkCredential'.
#   3. Load the snap-in into a runspace of its own, bounded in time               -> 'loadFailed' / 'timeout'.
#   4. Run each requested cmdlet from the allow-list below with fixed arguments, bounded in time, and keep only the
#      requested properties (each must be on the allow-list). One answer per request: rows, or one error.
#
# Data in, never text from a control: a request names an allow-list KEY and a subset of that entry's properties.
# Cmdlet names, parameters and filters are constants of this file. Nothing from the request is executed or pasted
# into a command.
#
# Unlike readers.ps1 (issue 16) this stage needs Full Language mode: it creates a runspace and a [PowerShell]
# instance to bound each call in time. On a server that enforces Constrained Language Mode the stage answers
# 'loadFailed' with the reason (checked first), and the registry and local stages still run.

# ---------------------------------------------------------------------------------------------------------------
# Allow-lists (the agent's control loader checks controls against the same lists; see cmdlets.md)
# ---------------------------------------------------------------------------------------------------------------

# Loaded in this order; the first one that is registered is used.
$EdcaExchangeSnapIns = @('Microsoft.Exchange.Management.PowerShell.SnapIn', 'Microsoft.Exchange.Management.PowerShell.E2010')

# Key -> cmdlet, fixed parameters ('$Server' is replaced by the computer name), properties a control may ask for,
# and where it may run. Edge = also on an Edge Transport server (against its AD LDS).
$EdcaExchangeCmdlets = [ordered]@{
    'ExchangeServer'            = @{ Cmdlet = 'Get-ExchangeServer'; Parameters = @{ Identity = '$Server' }; Edge = $true
        Properties = @('Name', 'Fqdn', 'ServerRole', 'AdminDisplayVersion', 'Edition', 'IsExchangeServerSubscriptionEdition', 'Site', 'ErrorReportingEnabled') }
    'ExchangeServer.All'        = @{ Cmdlet = 'Get-ExchangeServer'; Parameters = @{}; Properties = @('Name', 'ServerRole', 'Site', 'AdminDisplayVersion') }
    'DatabaseAvailabilityGroup' = @{ Cmdlet = 'Get-DatabaseAvailabilityGroup'; Parameters = @{}; Properties = @('Name', 'Servers') }
    'OrganizationConfig'        = @{ Cmdlet = 'Get-OrganizationConfig'; Parameters = @{}
        Properties = @('OAuth2ClientProfileEnabled', 'AdSplitPermissionEnabled', 'CustomerFeedbackEnabled', 'MapiHttpEnabled', 'MitigationsEnabled', 'EnableDownloadDomains', 'DefaultAuthenticationPolicy') }
    'AuthenticationPolicy'      = @{ Cmdlet = 'Get-AuthenticationPolicy'; Parameters = @{}
        Properties = @('Name', 'AllowBasicAuthActiveSync', 'AllowBasicAuthAutodiscover', 'AllowBasicAuthImap', 'AllowBasicAuthMapi', 'AllowBasicAuthOfflineAddressBook', 'AllowBasicAuthOutlookService', 'AllowBasicAuthPop', 'AllowBasicAuthPowershell', 'AllowBasicAuthReportingWebServices', 'AllowBasicAuthRest', 'AllowBasicAuthRpc', 'AllowBasicAuthSmtp', 'AllowBasicAuthWebServices') }
    'MapiVirtualDirectory'      = @{ Cmdlet = 'Get-MapiVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }
        Properties = @('Identity', 'IISAuthenticationMethods', 'InternalAuthenticationMethods', 'ExtendedProtectionTokenChecking') }
    'MapiVirtualDirectory.All'  = @{ Cmdlet = 'Get-MapiVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Properties = @('Identity', 'IISAuthenticationMethods') }
    'OwaVirtualDirectory'       = @{ Cmdlet = 'Get-OwaVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }
        Properties = @('Identity', 'InternalUrl', 'ExternalUrl', 'InternalAuthenticationMethods', 'FormsAuthentication', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking', 'SMimeEnabled', 'ExternalDownloadHostName', 'InternalDownloadHostName') }
    'EcpVirtualDirectory'       = @{ Cmdlet = 'Get-EcpVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }
        Properties = @('Identity', 'InternalAuthenticationMethods', 'FormsAuthentication', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking', 'AdminEnabled') }
    'WebServicesVirtualDirectory' = @{ Cmdlet = 'Get-WebServicesVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }
        Properties = @('Identity', 'InternalAuthenticationMethods', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking') }
    'WebServicesVirtualDirectory.All' = @{ Cmdlet = 'Get-WebServicesVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Properties = @('Identity', 'OAuthAuthentication') }
    'ActiveSyncVirtualDirectory' = @{ Cmdlet = 'Get-ActiveSyncVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }; Properties = @('Identity', 'ExtendedProtectionTokenChecking') }
    'AutodiscoverVirtualDirectory' = @{ Cmdlet = 'Get-AutodiscoverVirtualDirectory'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }
        Properties = @('Identity', 'InternalAuthenticationMethods', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking') }
    'AutodiscoverVirtualDirectory.All' = @{ Cmdlet = 'Get-AutodiscoverVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Properties = @('Identity', 'OAuthAuthentication') }
    'OutlookAnywhere'           = @{ Cmdlet = 'Get-OutlookAnywhere'; Parameters = @{ Server = '$Server'; ADPropertiesOnly = $true }; Properties = @('Identity', 'SSLOffloading', 'ExtendedProtectionTokenChecking') }
    'RpcClientAccess'           = @{ Cmdlet = 'Get-RpcClientAccess'; Parameters = @{ Server = '$Server' }; Properties = @('EncryptionRequired') }
    'ClientAccessService'       = @{ Cmdlet = 'Get-ClientAccessService'; Parameters = @{ Identity = '$Server'; IncludeAlternateServiceAccountCredentialStatus = $true }
        Properties = @('AlternateServiceAccountConfiguration') }
    'AuthConfig'                = @{ Cmdlet = 'Get-AuthConfig'; Parameters = @{}; Properties = @('CurrentCertificateThumbprint', 'NextCertificateThumbprint', 'NextCertificateEffectiveDate') }
    'ExchangeCertificate'       = @{ Cmdlet = 'Get-ExchangeCertificate'; Parameters = @{ Server = '$Server' }; Edge = $true; Properties = @('Thumbprint', 'Subject', 'NotAfter', 'Services', 'IsSelfSigned') }
    'AuthServer'                = @{ Cmdlet = 'Get-AuthServer'; Parameters = @{}; Properties = @('Name', 'Type', 'Enabled', 'IsDefaultAuthorizationEndpoint', 'ApplicationIdentifier', 'AuthMetadataUrl', 'DomainName') }
    'PartnerApplication'        = @{ Cmdlet = 'Get-PartnerApplication'; Parameters = @{}; Properties = @('Name', 'Enabled', 'ApplicationIdentifier', 'LinkedAccount') }
    'SettingOverride'           = @{ Cmdlet = 'Get-SettingOverride'; Parameters = @{}; Properties = @('Name', 'ComponentName', 'SectionName', 'Parameters', 'Server', 'Reason') }
    'TransportService'          = @{ Cmdlet = 'Get-TransportService'; Parameters = @{ Identity = '$Server' }; Edge = $true
        Properties = @('ConnectivityLogEnabled', 'MessageTrackingLogEnabled', 'MessageTrackingLogSubjectLoggingEnabled', 'MaxOutboundConnections', 'MaxPerDomainOutboundConnections', 'MessageRetryInterval', 'PickupDirectoryPath', 'InternalTransportCertificateThumbprint') }
    'TransportConfig'           = @{ Cmdlet = 'Get-TransportConfig'; Parameters = @{}; Properties = @('MaxSendSize', 'MaxReceiveSize', 'MaxRecipientEnvelopeLimit') }
    'ReceiveConnector'          = @{ Cmdlet = 'Get-ReceiveConnector'; Parameters = @{ Server = '$Server' }; Edge = $true
        Properties = @('Identity', 'Enabled', 'TransportRole', 'Bindings', 'RemoteIPRanges', 'AuthMechanism', 'PermissionGroups', 'RequireTLS', 'DomainSecureEnabled', 'TlsDomainCapabilities', 'ProtocolLoggingLevel', 'MaxMessageSize', 'MaxHopCount', 'ConnectionTimeout', 'MaxRecipientsPerMessage', 'Banner', 'TarpitInterval') }
    'ReceiveConnector.All'      = @{ Cmdlet = 'Get-ReceiveConnector'; Parameters = @{}; Properties = @('Identity', 'Enabled', 'TransportRole', 'AuthMechanism', 'TlsDomainCapabilities') }
    'SendConnector'             = @{ Cmdlet = 'Get-SendConnector'; Parameters = @{}; Edge = $true
        Properties = @('Identity', 'Enabled', 'AddressSpaces', 'SourceTransportServers', 'SmartHosts', 'DNSRoutingEnabled', 'RequireTLS', 'TlsAuthLevel', 'TlsDomain', 'TlsCertificateName', 'DomainSecureEnabled', 'IgnoreStartTLS', 'CloudServicesMailEnabled', 'ProtocolLoggingLevel', 'MaxMessageSize', 'ConnectionInactivityTimeOut', 'Fqdn') }
    'RemoteDomain'              = @{ Cmdlet = 'Get-RemoteDomain'; Parameters = @{}; Properties = @('Identity', 'DomainName', 'AutoForwardEnabled', 'AutoReplyEnabled', 'NDREnabled', 'AllowedOOFType') }
    'AcceptedDomain'            = @{ Cmdlet = 'Get-AcceptedDomain'; Parameters = @{}; Properties = @('DomainName', 'DomainType', 'Default') }
    'MailboxDatabase'           = @{ Cmdlet = 'Get-MailboxDatabase'; Parameters = @{ Server = '$Server' }
        Properties = @('Name', 'Server', 'Recovery', 'EdbFilePath', 'LogFolderPath', 'IssueWarningQuota', 'ProhibitSendQuota', 'ProhibitSendReceiveQuota', 'DeletedItemRetention', 'MailboxRetention', 'RetainDeletedItemsUntilBackup', 'CircularLoggingEnabled', 'MountAtStartup', 'DatabaseCopies') }
    'Mailbox'                   = @{ Cmdlet = 'Get-Mailbox'; Parameters = @{ ResultSize = 'Unlimited' }; RowLimit = $true
        Properties = @('UserPrincipalName', 'PrimarySmtpAddress', 'WindowsEmailAddress', 'RecipientTypeDetails', 'AccountDisabled', 'SingleItemRecoveryEnabled') }
    'MobileDeviceMailboxPolicy' = @{ Cmdlet = 'Get-MobileDeviceMailboxPolicy'; Parameters = @{}
        Properties = @('Name', 'IsDefault', 'PasswordEnabled', 'AllowSimplePassword', 'AlphanumericPasswordRequired', 'MinPasswordLength', 'PasswordHistory', 'MaxPasswordFailedAttempts', 'PasswordExpiration', 'MaxInactivityTimeLock', 'DevicePolicyRefreshInterval', 'RequireDeviceEncryption', 'AllowNonProvisionableDevices') }
    'IRMConfiguration'          = @{ Cmdlet = 'Get-IRMConfiguration'; Parameters = @{}; Properties = @('InternalLicensingEnabled', 'ExternalLicensingEnabled', 'AzureRMSLicensingEnabled') }
    'AdminAuditLogConfig'       = @{ Cmdlet = 'Get-AdminAuditLogConfig'; Parameters = @{}; Properties = @('AdminAuditLogEnabled', 'AdminAuditLogCmdlets', 'AdminAuditLogAgeLimit', 'LogLevel') }
    'EventLogLevel'             = @{ Cmdlet = 'Get-EventLogLevel'; Parameters = @{ Server = '$Server' }; Edge = $true; Properties = @('Identity', 'EventLevel') }
    'ClientAccessRule'          = @{ Cmdlet = 'Get-ClientAccessRule'; Parameters = @{}; Properties = @('Name', 'Enabled', 'Priority', 'Action', 'AnyOfProtocols', 'AnyOfClientIPAddressesOrRanges', 'UsernameMatchesAnyOfPatterns') }
    'User.RemotePowerShell'     = @{ Cmdlet = 'Get-User'; Parameters = @{ ResultSize = 'Unlimited'; Filter = 'RemotePowerShellEnabled -eq $true' }; RowLimit = $true; Properties = @('SamAccountName', 'RecipientTypeDetails') }
    'RoleGroupMember.OrganizationManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Organization Management'; ResultSize = 'Unlimited' }; Properties = @('SamAccountName', 'RecipientType') }
    'RoleGroupMember.ServerManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Server Management'; ResultSize = 'Unlimited' }; Properties = @('SamAccountName', 'RecipientType') }
    'RoleGroupMember.RecipientManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Recipient Management'; ResultSize = 'Unlimited' }; Properties = @('SamAccountName', 'RecipientType') }
    'TransportAgent'            = @{ Cmdlet = 'Get-TransportAgent'; Parameters = @{}; Edge = $true; Properties = @('Identity', 'Enabled', 'Priority') }
    'ContentFilterConfig'       = @{ Cmdlet = 'Get-ContentFilterConfig'; Parameters = @{}; Edge = $true; Properties = @('Enabled', 'ExternalMailEnabled', 'SCLRejectEnabled', 'SCLDeleteEnabled', 'QuarantineMailbox') }
    'SenderFilterConfig'        = @{ Cmdlet = 'Get-SenderFilterConfig'; Parameters = @{}; Edge = $true; Properties = @('Enabled', 'BlankSenderBlockingEnabled', 'BlockedSenders', 'BlockedDomains', 'BlockedDomainsAndSubdomains') }
    'SenderIdConfig'            = @{ Cmdlet = 'Get-SenderIdConfig'; Parameters = @{}; Edge = $true; Properties = @('Enabled', 'SpoofedDomainAction', 'TempErrorAction') }
    'SenderReputationConfig'    = @{ Cmdlet = 'Get-SenderReputationConfig'; Parameters = @{}; Edge = $true; Properties = @('Enabled', 'SenderBlockingEnabled', 'SenderBlockingPeriod', 'SrlBlockThreshold') }
    'RecipientFilterConfig'     = @{ Cmdlet = 'Get-RecipientFilterConfig'; Parameters = @{}; Edge = $true; Properties = @('Enabled', 'BlockListEnabled', 'RecipientValidationEnabled') }
    'EdgeSubscription'          = @{ Cmdlet = 'Get-EdgeSubscription'; Parameters = @{}; Edge = $true; Properties = @('Name', 'Domain', 'Site', 'CreateUtc', 'LifeTime') }
    'ReplicationHealth'         = @{ Cmdlet = 'Test-ReplicationHealth'; Parameters = @{ Identity = '$Server' }; Properties = @('Check', 'Result', 'Error') }
}

$EdcaSetupKey = 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\Setup'
$EdcaEdgeRoleKey = 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole'

# HRESULTs of an LDAP bind or read that mean "this logon has no credential to present to a domain controller"
# (inferred from Win32-OpenSSH issues 518/1264 and windowsserverdocs issue 5451; confirm on a lab server):
# 0x80072020 operations error, 0x8007052E logon failure, 0x8009030E no credentials, 0x80090311 no authority,
# 0x800704DC not authenticated (ERROR_NOT_AUTHENTICATED).
$EdcaNoCredentialResults = @(-2147016672, -2147023570, -2146893042, -2146893039, -2147023652)

# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

# A property value as JSON-ready data: sizes in bytes, time spans in whole seconds, 'Unlimited' for unlimited,
# flags enums and multi-valued properties as string arrays, AD ids as their display text, dates as ISO 8601 UTC.
function ConvertTo-EdcaFactValue($Value) {
    if ($null -eq $Value) { return $null }
    if ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double]) { return $Value }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
    if ($Value -is [timespan]) { return [int64]$Value.TotalSeconds }
    $type = $Value.GetType()
    if ($type.IsEnum) {
        if ($type.GetCustomAttributes([System.FlagsAttribute], $false).Count -gt 0) {
            return @(([string]$Value).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        }
        return [string]$Value
    }
    # Unlimited<T>: IsUnlimited, else its Value.
    if ($null -ne $Value.PSObject.Properties['IsUnlimited']) {
        if ($Value.IsUnlimited) { return 'Unlimited' }
        return ConvertTo-EdcaFactValue $Value.Value
    }
    # ByteQuantifiedSize.
    if ($type.Name -eq 'ByteQuantifiedSize') { return [int64]$Value.ToBytes() }
    # EnhancedTimeSpan wraps a TimeSpan.
    if ($type.Name -eq 'EnhancedTimeSpan') { return [int64]([timespan]::Parse($Value.ToString())).TotalSeconds }
    # The Kerberos alternate service account: account names only, never the credential itself.
    if ($type.Name -eq 'AlternateServiceAccountConfiguration') {
        $names = @(foreach ($c in $Value.EffectiveCredentials) { [string]$c.Credential.UserName })
        $latest = $null
        if ($null -ne $Value.LatestCredential) { $latest = [string]$Value.LatestCredential.Credential.UserName }
        return @{ EffectiveCredentials = @(foreach ($n in $names) { @{ UserName = $n } }); Latest = @{ UserName = $latest } }
    }
    # ADObjectId and other directory ids fall through to ToString(), the form an administrator sees
    # ('MBX01\owa (Default Web Site)', 'contoso.com/Configuration/Sites/HQ').
    if ($Value -is [System.Collections.IEnumerable]) {
        return @(foreach ($item in $Value) { ConvertTo-EdcaFactValue $item })
    }
    return [string]$Value
}

# The error class of a failed call, from exception types and HRESULTs, never from (localised) message text.
function Get-EdcaErrorClass($Exception) {
    $e = $Exception
    while ($null -ne $e) {
        if ($EdcaNoCredentialResults -contains $e.HResult) { return 'noNetworkCredential' }
        if ($e -is [System.UnauthorizedAccessException] -or $e.HResult -eq -2147024891 -or $e.GetType().Name -match 'AccessDenied') { return 'denied' }
        if ($e.GetType().Name -match 'NotFound|ManagementObjectNotFound') { return 'notFound' }
        $e = $e.InnerException
    }
    return 'failed'
}

function New-EdcaError([string]$Class, [string]$Message) {
    return @{ class = $Class; message = $Message }
}

# Runs one fixed command in the stage's runspace and waits at most $Seconds. Returns @{ Output } or @{ Error }.
# $First > 0 adds a fixed `Select-Object -First $First` so that a huge answer is cut in the runspace, not in memory.
# A runspace runs one pipeline at a time: when a timed-out cmdlet does not stop within 5 s, the answer carries
# Stuck = $true and the caller runs nothing more in that runspace.
function Invoke-EdcaBounded($Runspace, [string]$Command, [hashtable]$Parameters, [double]$Seconds, [int]$First = 0) {
    $ps = [PowerShell]::Create()
    $ps.Runspace = $Runspace
    $null = $ps.AddCommand($Command)
    foreach ($name in $Parameters.Keys) { $null = $ps.AddParameter($name, $Parameters[$name]) }
    $null = $ps.AddParameter('ErrorAction', 'Stop')
    if ($First -gt 0) { $null = $ps.AddCommand('Select-Object').AddParameter('First', $First) }
    try {
        $async = $ps.BeginInvoke()
        if (-not $async.AsyncWaitHandle.WaitOne([int]([math]::Max(1, $Seconds) * 1000))) {
            $stopping = $ps.BeginStop($null, $null)
            $stuck = -not $stopping.AsyncWaitHandle.WaitOne(5000)
            return @{ Error = (New-EdcaError 'timeout' "no answer within $Seconds s"); Stuck = $stuck }
        }
        $output = $ps.EndInvoke($async)
        if ($ps.Streams.Error.Count -gt 0) {
            $first = $ps.Streams.Error[0]
            return @{ Error = (New-EdcaError (Get-EdcaErrorClass $first.Exception) ([string]$first.Exception.Message)) }
        }
        return @{ Output = $output }
    } catch {
        $inner = $_.Exception
        if ($null -ne $inner.InnerException) { $inner = $inner.InnerException }
        return @{ Error = (New-EdcaError (Get-EdcaErrorClass $inner) ([string]$inner.Message)) }
    } finally {
        if ($ps.InvocationStateInfo.State -ne 'Running') { $ps.Dispose() }
    }
}

# 'ok', or the reason this logon cannot read Exchange's configuration in Active Directory. The read is the one the
# cmdlets need first: the Microsoft Exchange container of the configuration partition.
function Test-EdcaNetworkCredential {
    try {
        $rootDse = New-Object System.DirectoryServices.DirectoryEntry('LDAP://RootDSE')
        $configNc = [string]$rootDse.Properties['configurationNamingContext'].Value
        if (-not $configNc) { return @{ State = 'noNetworkCredential'; Message = 'RootDSE answered without a configuration naming context' } }
        $exchange = New-Object System.DirectoryServices.DirectoryEntry("LDAP://CN=Microsoft Exchange,CN=Services,$configNc")
        $null = $exchange.Properties['name'].Value
        return @{ State = 'ok' }
    } catch {
        $e = $_.Exception
        if ($null -ne $e.InnerException) { $e = $e.InnerException }
        if ($EdcaNoCredentialResults -contains $e.HResult) {
            return @{ State = 'noNetworkCredential'; Message = ('0x{0:X8}' -f $e.HResult) }
        }
        # Any other failure (no such object, server down) is left to the cmdlets, which report it per cmdlet.
        return @{ State = 'ok'; Warning = ('0x{0:X8}' -f $e.HResult) }
    }
}

# ---------------------------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------------------------

# $Request: @{ budgetSeconds = 300; cmdletSeconds = 60; rowLimit = 200000;
#              cmdlets = @( @{ key = 'OrganizationConfig'; properties = @('CustomerFeedbackEnabled') }, ... ) }
# Returns @{ state = 'ok'|'notInstalled'|'noNetworkCredential'|'loadFailed'|'timeout'; message; snapIn;
#            loadSeconds; answers = @( one per requested cmdlet, in order ) }.
function Invoke-EdcaExchangeStage($Request) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $budget = [double]$Request.budgetSeconds
    $result = @{ state = 'ok'; answers = @() }

    if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') {
        $result.state = 'loadFailed'; $result.message = "language mode $($ExecutionContext.SessionState.LanguageMode)"
        return $result
    }
    if (-not (Test-Path -LiteralPath $EdcaSetupKey)) {
        $result.state = 'notInstalled'; $result.message = 'no Exchange Setup key'
        return $result
    }
    $registered = @(Get-PSSnapin -Registered -ErrorAction SilentlyContinue | ForEach-Object { $_.Name })
    $snapIn = $EdcaExchangeSnapIns | Where-Object { $registered -contains $_ } | Select-Object -First 1
    if (-not $snapIn) {
        $result.state = 'notInstalled'; $result.message = 'no Exchange management snap-in registered'
        return $result
    }
    $result.snapIn = $snapIn
    $isEdge = Test-Path -LiteralPath $EdcaEdgeRoleKey

    # Edge reads its local AD LDS; only Mailbox servers need a credential for a domain controller.
    if (-not $isEdge) {
        $credential = Test-EdcaNetworkCredential
        if ($credential.State -ne 'ok') {
            $result.state = $credential.State; $result.message = $credential.Message
            return $result
        }
    }

    # Load the snap-in in a runspace of its own, bounded like any call.
    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    try {
        $loaded = Invoke-EdcaBounded $runspace 'Add-PSSnapin' @{ Name = $snapIn } ($budget - $clock.Elapsed.TotalSeconds)
        $result.loadSeconds = [math]::Round($clock.Elapsed.TotalSeconds, 1)
        if ($loaded.Error) {
            $result.state = if ($loaded.Error.class -eq 'timeout') { 'timeout' } else { 'loadFailed' }
            $result.message = $loaded.Error.message
            return $result
        }

        $answers = New-Object System.Collections.Generic.List[object]
        $stuck = $false
        foreach ($wanted in $Request.cmdlets) {
            $key = [string]$wanted.key
            $entry = $EdcaExchangeCmdlets[$key]
            $answer = @{ key = $key }
            if ($null -eq $entry) { $answer.error = New-EdcaError 'notAllowed' 'not on the allow-list'; $answers.Add($answer); continue }
            if ($isEdge -and -not $entry.Edge) { $answer.error = New-EdcaError 'notOnEdge' 'not collected on Edge'; $answers.Add($answer); continue }
            $properties = @($wanted.properties | Where-Object { $entry.Properties -contains $_ })
            if ($properties.Count -ne @($wanted.properties).Count) { $answer.error = New-EdcaError 'notAllowed' 'a property is not on the allow-list'; $answers.Add($answer); continue }
            $left = [math]::Min([double]$Request.cmdletSeconds, $budget - $clock.Elapsed.TotalSeconds)
            if ($left -le 0) { $answer.error = New-EdcaError 'timeout' 'stage budget spent'; $answers.Add($answer); continue }
            if ($stuck) { $answer.error = New-EdcaError 'timeout' 'an earlier cmdlet did not stop'; $answers.Add($answer); continue }

            $parameters = @{}
            foreach ($name in $entry.Parameters.Keys) {
                $value = $entry.Parameters[$name]
                if ($value -eq '$Server') { $value = $env:COMPUTERNAME }
                $parameters[$name] = $value
            }
            $first = 0
            if ($entry.RowLimit) { $first = [int]$Request.rowLimit + 1 }
            $ran = Invoke-EdcaBounded $runspace $entry.Cmdlet $parameters $left $first
            if ($ran.Stuck) { $stuck = $true }
            if ($ran.Error) { $answer.error = $ran.Error; $answers.Add($answer); continue }

            $rows = New-Object System.Collections.Generic.List[object]
            $shapeErrors = New-Object System.Collections.Generic.List[string]
            foreach ($item in $ran.Output) {
                if ($entry.RowLimit -and $rows.Count -ge [int]$Request.rowLimit) { $answer.truncated = $true; break }
                $row = @{}
                foreach ($property in $properties) {
                    try { $row[$property] = ConvertTo-EdcaFactValue $item.$property }
                    catch { $row[$property] = $null; if (-not $shapeErrors.Contains($property)) { $shapeErrors.Add($property) } }
                }
                $rows.Add($row)
            }
            $answer.rows = $rows.ToArray()
            # A property whose value could not be converted is that fact's error, not the host's (issue 12).
            if ($shapeErrors.Count -gt 0) { $answer.shapeErrors = $shapeErrors.ToArray() }
            $answers.Add($answer)
        }
        $result.answers = $answers.ToArray()
        return $result
    } finally {
        # Disposing closes the runspace, which also ends a pipeline that did not stop.
        $runspace.Dispose()
    }
}

# Usage inside the probe (the probe frames the JSON as today, docs/probe-protocol.md §4):
#   $exchange = Invoke-EdcaExchangeStage $Payload.exchange
#   ... @{ edcaProbe = 1; nonce = ...; answers = ...; exchange = $exchange } | ConvertTo-Json -Depth 10 -Compress
