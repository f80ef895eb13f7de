/// The probe's Exchange stage (`docs/probe-protocol.md` §6), part of ``ProbeScripts/probe``: the snap-in allow-list,
/// the fixed table of calls (the same as ``ExchangeFact/allowed``; a test checks that they agree), the load and each
/// call bounded in time, and `Read-Exchange`, the reader of `exchange` reads.
extension ProbeScripts {
    static let exchangeStage = #"""
        # The Exchange stage (docs/probe-protocol.md section 6). It runs only when a read names an `exchange` key, and only
        # once per probe: it loads the Exchange management snap-in (a name from $exchangeSnapIns only) into a runspace of its
        # own, then runs the fixed Get-* call of each key asked for ($exchangeCalls; a read names a key, never a command)
        # and keeps the listed properties. Every step is bounded in time. Windows PowerShell 5.1, Full Language only.
        $exchangeSnapIns = @('Microsoft.Exchange.Management.PowerShell.SnapIn', 'Microsoft.Exchange.Management.PowerShell.E2010')
        $exchangeSetupKey = 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\Setup'
        $exchangeEdgeKey = 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole'
        $exchangeStageSeconds = 300
        $exchangeCallSeconds = 60
        # How long a call past its bound is given to stop; a call that does not stop keeps the runspace busy, so no later
        # call can run in it (loading the snap-in again would cost as long as the first load).
        $exchangeStopSeconds = 5
        # HRESULTs of a directory read that mean "this logon has no credential to present to a domain controller" (a key
        # logon over OpenSSH): operations error, logon failure, no credentials, no authority, not authenticated.
        $noNetworkCredential = @(-2147016672, -2147023570, -2146893042, -2146893039, -2147023652)
        # The calls a control may name (ExchangeFact.allowed in the agent): key = cmdlet, fixed parameters, whether it runs
        # on an Edge Transport server, the most rows answered (a -ResultSize asks for one more, to see that there are
        # more) and the only properties kept.
        $exchangeCalls = @{
            'ExchangeServer' = @{ Cmdlet = 'Get-ExchangeServer'; Parameters = @{ Identity = $env:COMPUTERNAME }; Edge = $true; Rows = 1000; Properties = @('Name', 'Fqdn', 'ServerRole', 'AdminDisplayVersion', 'Edition', 'IsExchangeServerSubscriptionEdition', 'Site', 'ErrorReportingEnabled') }
            'ExchangeServer.All' = @{ Cmdlet = 'Get-ExchangeServer'; Parameters = @{}; Edge = $false; Rows = 5000; Properties = @('Name', 'ServerRole', 'Site', 'AdminDisplayVersion') }
            'DatabaseAvailabilityGroup' = @{ Cmdlet = 'Get-DatabaseAvailabilityGroup'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'Servers') }
            'OrganizationConfig' = @{ Cmdlet = 'Get-OrganizationConfig'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('OAuth2ClientProfileEnabled', 'AdSplitPermissionEnabled', 'CustomerFeedbackEnabled', 'MapiHttpEnabled', 'MitigationsEnabled', 'EnableDownloadDomains', 'DefaultAuthenticationPolicy') }
            'AuthenticationPolicy' = @{ Cmdlet = 'Get-AuthenticationPolicy'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'AllowBasicAuthActiveSync', 'AllowBasicAuthAutodiscover', 'AllowBasicAuthImap', 'AllowBasicAuthMapi', 'AllowBasicAuthOfflineAddressBook', 'AllowBasicAuthOutlookService', 'AllowBasicAuthPop', 'AllowBasicAuthPowershell', 'AllowBasicAuthReportingWebServices', 'AllowBasicAuthRest', 'AllowBasicAuthRpc', 'AllowBasicAuthSmtp', 'AllowBasicAuthWebServices') }
            'MapiVirtualDirectory' = @{ Cmdlet = 'Get-MapiVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'IISAuthenticationMethods', 'InternalAuthenticationMethods', 'ExtendedProtectionTokenChecking') }
            'MapiVirtualDirectory.All' = @{ Cmdlet = 'Get-MapiVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Edge = $false; Rows = 5000; Properties = @('Identity', 'IISAuthenticationMethods') }
            'OwaVirtualDirectory' = @{ Cmdlet = 'Get-OwaVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'InternalUrl', 'ExternalUrl', 'InternalAuthenticationMethods', 'FormsAuthentication', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking', 'SMimeEnabled', 'ExternalDownloadHostName', 'InternalDownloadHostName') }
            'EcpVirtualDirectory' = @{ Cmdlet = 'Get-EcpVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'InternalAuthenticationMethods', 'FormsAuthentication', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking', 'AdminEnabled') }
            'WebServicesVirtualDirectory' = @{ Cmdlet = 'Get-WebServicesVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'InternalAuthenticationMethods', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking') }
            'WebServicesVirtualDirectory.All' = @{ Cmdlet = 'Get-WebServicesVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Edge = $false; Rows = 5000; Properties = @('Identity', 'OAuthAuthentication') }
            'ActiveSyncVirtualDirectory' = @{ Cmdlet = 'Get-ActiveSyncVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'ExtendedProtectionTokenChecking') }
            'AutodiscoverVirtualDirectory' = @{ Cmdlet = 'Get-AutodiscoverVirtualDirectory'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'InternalAuthenticationMethods', 'OAuthAuthentication', 'ExtendedProtectionTokenChecking') }
            'AutodiscoverVirtualDirectory.All' = @{ Cmdlet = 'Get-AutodiscoverVirtualDirectory'; Parameters = @{ ADPropertiesOnly = $true }; Edge = $false; Rows = 5000; Properties = @('Identity', 'OAuthAuthentication') }
            'OutlookAnywhere' = @{ Cmdlet = 'Get-OutlookAnywhere'; Parameters = @{ Server = $env:COMPUTERNAME; ADPropertiesOnly = $true }; Edge = $false; Rows = 1000; Properties = @('Identity', 'SSLOffloading', 'ExtendedProtectionTokenChecking') }
            'RpcClientAccess' = @{ Cmdlet = 'Get-RpcClientAccess'; Parameters = @{ Server = $env:COMPUTERNAME }; Edge = $false; Rows = 1000; Properties = @('EncryptionRequired') }
            'ClientAccessService' = @{ Cmdlet = 'Get-ClientAccessService'; Parameters = @{ Identity = $env:COMPUTERNAME; IncludeAlternateServiceAccountCredentialStatus = $true }; Edge = $false; Rows = 1000; Properties = @('AlternateServiceAccountConfiguration') }
            'AuthConfig' = @{ Cmdlet = 'Get-AuthConfig'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('CurrentCertificateThumbprint', 'NextCertificateThumbprint', 'NextCertificateEffectiveDate') }
            'ExchangeCertificate' = @{ Cmdlet = 'Get-ExchangeCertificate'; Parameters = @{ Server = $env:COMPUTERNAME }; Edge = $true; Rows = 1000; Properties = @('Thumbprint', 'Subject', 'NotAfter', 'Services', 'IsSelfSigned') }
            'AuthServer' = @{ Cmdlet = 'Get-AuthServer'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'Type', 'Enabled', 'IsDefaultAuthorizationEndpoint', 'ApplicationIdentifier', 'AuthMetadataUrl', 'DomainName') }
            'PartnerApplication' = @{ Cmdlet = 'Get-PartnerApplication'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'Enabled', 'ApplicationIdentifier', 'LinkedAccount') }
            'SettingOverride' = @{ Cmdlet = 'Get-SettingOverride'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'ComponentName', 'SectionName', 'Parameters', 'Server', 'Reason') }
            'TransportService' = @{ Cmdlet = 'Get-TransportService'; Parameters = @{ Identity = $env:COMPUTERNAME }; Edge = $true; Rows = 1000; Properties = @('ConnectivityLogEnabled', 'MessageTrackingLogEnabled', 'MessageTrackingLogSubjectLoggingEnabled', 'MaxOutboundConnections', 'MaxPerDomainOutboundConnections', 'MessageRetryInterval', 'PickupDirectoryPath', 'InternalTransportCertificateThumbprint') }
            'TransportConfig' = @{ Cmdlet = 'Get-TransportConfig'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('MaxSendSize', 'MaxReceiveSize', 'MaxRecipientEnvelopeLimit') }
            'ReceiveConnector' = @{ Cmdlet = 'Get-ReceiveConnector'; Parameters = @{ Server = $env:COMPUTERNAME }; Edge = $true; Rows = 1000; Properties = @('Identity', 'Enabled', 'TransportRole', 'Bindings', 'RemoteIPRanges', 'AuthMechanism', 'PermissionGroups', 'RequireTLS', 'DomainSecureEnabled', 'TlsDomainCapabilities', 'ProtocolLoggingLevel', 'MaxMessageSize', 'MaxHopCount', 'ConnectionTimeout', 'MaxRecipientsPerMessage', 'Banner', 'TarpitInterval') }
            'ReceiveConnector.All' = @{ Cmdlet = 'Get-ReceiveConnector'; Parameters = @{}; Edge = $false; Rows = 5000; Properties = @('Identity', 'Enabled', 'TransportRole', 'AuthMechanism', 'TlsDomainCapabilities') }
            'SendConnector' = @{ Cmdlet = 'Get-SendConnector'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Identity', 'Enabled', 'AddressSpaces', 'SourceTransportServers', 'SmartHosts', 'DNSRoutingEnabled', 'RequireTLS', 'TlsAuthLevel', 'TlsDomain', 'TlsCertificateName', 'DomainSecureEnabled', 'IgnoreStartTLS', 'CloudServicesMailEnabled', 'ProtocolLoggingLevel', 'MaxMessageSize', 'ConnectionInactivityTimeOut', 'Fqdn') }
            'RemoteDomain' = @{ Cmdlet = 'Get-RemoteDomain'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Identity', 'DomainName', 'AutoForwardEnabled', 'AutoReplyEnabled', 'NDREnabled', 'AllowedOOFType') }
            'AcceptedDomain' = @{ Cmdlet = 'Get-AcceptedDomain'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('DomainName', 'DomainType', 'Default') }
            'MailboxDatabase' = @{ Cmdlet = 'Get-MailboxDatabase'; Parameters = @{ Server = $env:COMPUTERNAME }; Edge = $false; Rows = 1000; Properties = @('Name', 'Server', 'Recovery', 'EdbFilePath', 'LogFolderPath', 'IssueWarningQuota', 'ProhibitSendQuota', 'ProhibitSendReceiveQuota', 'DeletedItemRetention', 'MailboxRetention', 'RetainDeletedItemsUntilBackup', 'CircularLoggingEnabled', 'MountAtStartup', 'DatabaseCopies') }
            'Mailbox' = @{ Cmdlet = 'Get-Mailbox'; Parameters = @{ ResultSize = 20001 }; Edge = $false; Rows = 20000; Properties = @('UserPrincipalName', 'PrimarySmtpAddress', 'WindowsEmailAddress', 'RecipientTypeDetails', 'AccountDisabled', 'SingleItemRecoveryEnabled') }
            'MobileDeviceMailboxPolicy' = @{ Cmdlet = 'Get-MobileDeviceMailboxPolicy'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'IsDefault', 'PasswordEnabled', 'AllowSimplePassword', 'AlphanumericPasswordRequired', 'MinPasswordLength', 'PasswordHistory', 'MaxPasswordFailedAttempts', 'PasswordExpiration', 'MaxInactivityTimeLock', 'DevicePolicyRefreshInterval', 'RequireDeviceEncryption', 'AllowNonProvisionableDevices') }
            'IRMConfiguration' = @{ Cmdlet = 'Get-IRMConfiguration'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('InternalLicensingEnabled', 'ExternalLicensingEnabled', 'AzureRMSLicensingEnabled') }
            'AdminAuditLogConfig' = @{ Cmdlet = 'Get-AdminAuditLogConfig'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('AdminAuditLogEnabled', 'AdminAuditLogCmdlets', 'AdminAuditLogAgeLimit', 'LogLevel') }
            'EventLogLevel' = @{ Cmdlet = 'Get-EventLogLevel'; Parameters = @{ Server = $env:COMPUTERNAME }; Edge = $true; Rows = 1000; Properties = @('Identity', 'EventLevel') }
            'ClientAccessRule' = @{ Cmdlet = 'Get-ClientAccessRule'; Parameters = @{}; Edge = $false; Rows = 1000; Properties = @('Name', 'Enabled', 'Priority', 'Action', 'AnyOfProtocols', 'AnyOfClientIPAddressesOrRanges', 'UsernameMatchesAnyOfPatterns') }
            'User.RemotePowerShell' = @{ Cmdlet = 'Get-User'; Parameters = @{ ResultSize = 20001; Filter = 'RemotePowerShellEnabled -eq $true' }; Edge = $false; Rows = 20000; Properties = @('SamAccountName', 'RecipientTypeDetails') }
            'RoleGroupMember.OrganizationManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Organization Management'; ResultSize = 1001 }; Edge = $false; Rows = 1000; Properties = @('SamAccountName', 'RecipientType') }
            'RoleGroupMember.ServerManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Server Management'; ResultSize = 1001 }; Edge = $false; Rows = 1000; Properties = @('SamAccountName', 'RecipientType') }
            'RoleGroupMember.RecipientManagement' = @{ Cmdlet = 'Get-RoleGroupMember'; Parameters = @{ Identity = 'Recipient Management'; ResultSize = 1001 }; Edge = $false; Rows = 1000; Properties = @('SamAccountName', 'RecipientType') }
            'TransportAgent' = @{ Cmdlet = 'Get-TransportAgent'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Identity', 'Enabled', 'Priority') }
            'ContentFilterConfig' = @{ Cmdlet = 'Get-ContentFilterConfig'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Enabled', 'ExternalMailEnabled', 'SCLRejectEnabled', 'SCLDeleteEnabled', 'QuarantineMailbox') }
            'SenderFilterConfig' = @{ Cmdlet = 'Get-SenderFilterConfig'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Enabled', 'BlankSenderBlockingEnabled', 'BlockedSenders', 'BlockedDomains', 'BlockedDomainsAndSubdomains') }
            'SenderIdConfig' = @{ Cmdlet = 'Get-SenderIdConfig'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Enabled', 'SpoofedDomainAction', 'TempErrorAction') }
            'SenderReputationConfig' = @{ Cmdlet = 'Get-SenderReputationConfig'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Enabled', 'SenderBlockingEnabled', 'SenderBlockingPeriod', 'SrlBlockThreshold') }
            'RecipientFilterConfig' = @{ Cmdlet = 'Get-RecipientFilterConfig'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Enabled', 'BlockListEnabled', 'RecipientValidationEnabled') }
            'EdgeSubscription' = @{ Cmdlet = 'Get-EdgeSubscription'; Parameters = @{}; Edge = $true; Rows = 1000; Properties = @('Name', 'Domain', 'Site', 'CreateUtc', 'LifeTime') }
        }
        # What Start-ExchangeStage gave, once the first `exchange` read has run it.
        $exchangeState = @{ Stage = $null }

        function New-ExchangeError([string]$Class, [string]$Message) { @{ class = $Class; message = $Message } }

        # A value as the agent reads it: sizes in bytes, time spans in seconds, 'Unlimited', flags and lists as arrays of
        # strings, dates as ISO 8601 UTC, directory ids as their display text; the alternate service account as its
        # account names only.
        function ConvertTo-ExchangeValue($Value) {
            if ($null -eq $Value) { return $null }
            if ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long]) { return $Value }
            if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') }
            if ($Value -is [timespan]) { return [long]$Value.TotalSeconds }
            $type = $Value.GetType()
            if ($type.IsEnum) {
                if ($type.IsDefined([FlagsAttribute], $false)) { return @(([string]$Value).Split(',') | ForEach-Object { $_.Trim() }) }
                return [string]$Value
            }
            if ($null -ne $Value.PSObject.Properties['IsUnlimited']) {
                if ($Value.IsUnlimited) { return 'Unlimited' }
                return ConvertTo-ExchangeValue $Value.Value
            }
            if ($type.Name -eq 'ByteQuantifiedSize') { return [long]$Value.ToBytes() }
            if ($type.Name -eq 'EnhancedTimeSpan') { return [long]([timespan]$Value).TotalSeconds }
            if ($type.Name -eq 'AlternateServiceAccountConfiguration') {
                return @(foreach ($credential in $Value.EffectiveCredentials) { [string]$credential.Credential.UserName })
            }
            if ($Value -is [System.Collections.IEnumerable]) { return @(foreach ($item in $Value) { [string](ConvertTo-ExchangeValue $item) }) }
            [string]$Value
        }

        # The class of a failure, from exception types and HRESULTs, never from (localised) message text.
        function Get-ExchangeErrorClass($Exception) {
            for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
                if ($e -is [System.UnauthorizedAccessException] -or $e.HResult -eq -2147024891 -or $e.GetType().Name -match 'AccessDenied') { return 'denied' }
            }
            'failed'
        }

        # Runs one fixed command in the stage's runspace, waiting at most $Seconds: @{ Output } or @{ Error }. A command
        # past its bound is stopped; @{ Stuck = $true } when it has not stopped $exchangeStopSeconds later.
        function Invoke-Bounded($Runspace, [string]$Command, [hashtable]$Parameters, [double]$Seconds) {
            $shell = [PowerShell]::Create()
            $shell.Runspace = $Runspace
            $null = $shell.AddCommand($Command).AddParameters($Parameters).AddParameter('ErrorAction', 'Stop')
            try {
                $async = $shell.BeginInvoke()
                if (-not $async.AsyncWaitHandle.WaitOne([int]([math]::Max(1, $Seconds) * 1000))) {
                    $stop = $shell.BeginStop($null, $null)
                    $stopped = $stop.AsyncWaitHandle.WaitOne($exchangeStopSeconds * 1000)
                    return @{ Error = (New-ExchangeError 'timeout' "no answer within $([int]$Seconds) s"); Stuck = (-not $stopped) }
                }
                return @{ Output = $shell.EndInvoke($async) }
            } catch {
                $e = $_.Exception
                if ($null -ne $e.InnerException) { $e = $e.InnerException }
                return @{ Error = (New-ExchangeError (Get-ExchangeErrorClass $e) $e.Message) }
            }
        }

        # Whether this logon can read Exchange's configuration in Active Directory: an LDAP read with the session's own
        # token, before any cmdlet. Only a failure that means "no credential" stops the stage; others are left to the calls.
        function Test-NetworkCredential {
            try {
                $rootDse = New-Object System.DirectoryServices.DirectoryEntry('LDAP://RootDSE')
                $configuration = [string]$rootDse.Properties['configurationNamingContext'].Value
                $container = New-Object System.DirectoryServices.DirectoryEntry("LDAP://CN=Microsoft Exchange,CN=Services,$configuration")
                $null = $container.Properties['name'].Value
            } catch {
                $e = $_.Exception
                if ($null -ne $e.InnerException) { $e = $e.InnerException }
                if ($noNetworkCredential -contains $e.HResult) { return ('0x{0:X8}' -f $e.HResult) }
            }
            $null
        }

        # Loads the snap-in once: @{ Runspace; Edge } or @{ Error } (a stage error class and message).
        function Start-ExchangeStage {
            if (-not $fullLanguage) {
                return @{ Error = (New-ExchangeError 'exchange.load-failed' 'the stage needs Full Language mode (a runspace of its own)') }
            }
            if (-not (Test-Path -LiteralPath $exchangeSetupKey)) {
                return @{ Error = (New-ExchangeError 'exchange.not-installed' 'no Exchange Setup key') }
            }
            $registered = @(Get-PSSnapin -Registered -ErrorAction SilentlyContinue | ForEach-Object { $_.Name })
            $snapIn = @($exchangeSnapIns | Where-Object { $registered -contains $_ }) | Select-Object -First 1
            if (-not $snapIn) {
                return @{ Error = (New-ExchangeError 'exchange.not-installed' 'no Exchange management snap-in registered') }
            }
            $edge = Test-Path -LiteralPath $exchangeEdgeKey
            if (-not $edge) {
                $missing = Test-NetworkCredential
                if ($missing) { return @{ Error = (New-ExchangeError 'exchange.no-network-credentials' "Active Directory refused the logon's token ($missing)") } }
            }
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $left = [math]::Min($exchangeStageSeconds, [double]$deadline - ([datetime]::UtcNow - $started).TotalSeconds)
            $loaded = Invoke-Bounded $runspace 'Add-PSSnapin' @{ Name = $snapIn } $left
            if ($loaded.Error) {
                $class = 'exchange.load-failed'
                if ($loaded.Error.class -eq 'timeout') { $class = 'exchange.timeout' }
                return @{ Error = (New-ExchangeError $class $loaded.Error.message) }
            }
            @{ Runspace = $runspace; Edge = $edge; Started = [datetime]::UtcNow; StuckOn = $null }
        }

        # One key's answer: @{ rows }, @{ error } (this call failed) or @{ stageError } (the stage ran no cmdlet).
        function Read-Exchange($Read) {
            $call = $exchangeCalls[$Read.exchange]
            if ($null -eq $call) { return Get-ErrorAnswer 'not an allow-listed Exchange stage key' }
            if ($null -eq $exchangeState.Stage) { $exchangeState.Stage = Start-ExchangeStage }
            $stage = $exchangeState.Stage
            if ($stage.Error) { return @{ stageError = $stage.Error } }
            if ($stage.Edge -and -not $call.Edge) { return @{ error = (New-ExchangeError 'failed' 'not run on an Edge Transport server') } }
            if ($stage.StuckOn) { return @{ error = (New-ExchangeError 'timeout' "not run: the stage timed out on $($stage.StuckOn), whose call did not stop") } }
            $left = [math]::Min($exchangeCallSeconds, $exchangeStageSeconds - ([datetime]::UtcNow - $stage.Started).TotalSeconds)
            if ($left -le 0) { return @{ error = (New-ExchangeError 'timeout' 'the stage''s time is spent') } }
            $ran = Invoke-Bounded $stage.Runspace $call.Cmdlet $call.Parameters $left
            # A runspace still busy after a call (stopped or not) would fail every later call: say why instead.
            if ($ran.Stuck -or [string]$stage.Runspace.RunspaceAvailability -ne 'Available') { $stage.StuckOn = $Read.exchange }
            if ($ran.Error) { return @{ error = $ran.Error } }
            $output = @($ran.Output)
            $rows = @(foreach ($item in ($output | Select-Object -First $call.Rows)) {
                $row = @{}
                foreach ($property in $call.Properties) { $row[$property] = ConvertTo-ExchangeValue $item.$property }
                $row
            })
            if ($output.Count -gt $call.Rows) { return @{ rows = $rows; truncated = $true } }
            @{ rows = $rows }
        }
        """#
}
