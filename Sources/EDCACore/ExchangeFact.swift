/// One allow-listed Exchange Management Shell call (a **stage key**): a `Get-*` cmdlet with fixed arguments and the
/// only properties the stage keeps from its output. Controls name a key and properties from this list; the probe holds
/// the same table and never runs a command, an argument or a filter taken from a control (`docs/probe-protocol.md`
/// §6).
package struct ExchangeFact: Sendable, Hashable {
    /// Whom the facts describe: the Exchange organisation, this server, or each mailbox database of this server.
    package enum Scope: String, Sendable, CaseIterable {
        /// Once per organisation (the cmdlet reads organisation-wide configuration).
        case organization = "Organization"
        /// This server (`-Server` / `-Identity $env:COMPUTERNAME`).
        case server = "Server"
        /// Each mailbox database of this server.
        case database = "Database"
    }

    /// The stage key, such as `ReceiveConnector` or `ReceiveConnector.All`.
    package var key: String
    /// The cmdlet, always a `Get-*` verb.
    package var cmdlet: String
    /// The fixed arguments, as the probe passes them (`-Server $env:COMPUTERNAME -ADPropertiesOnly`).
    package var arguments: String
    /// Whom the rows describe.
    package var scope: Scope
    /// Whether the stage runs the call on an Edge Transport server (against its AD LDS).
    package var runsOnEdge: Bool
    /// The properties kept from each row.
    package var properties: [String]
    /// The most rows the stage answers for this key (``defaultRowLimit`` unless the key can list thousands of
    /// objects); past it the answer is the first `rowLimit` rows, marked truncated. A cmdlet with `-ResultSize` is
    /// asked for one row more, so the server never lists more than that (`docs/probe-protocol.md` §6).
    package var rowLimit = Self.defaultRowLimit

    /// The row limit of a key that lists configuration objects of this server or the organisation (connectors,
    /// virtual directories, policies, overrides): far more than any organisation has.
    package static let defaultRowLimit = 1_000
    /// The row limit of an `.All` key, which lists an object per server of the organisation.
    package static let organizationWideRowLimit = 5_000
    /// The row limit of a key that lists mailboxes or users: 4.5 MB of answer for `Mailbox` at about 223 bytes per
    /// row (measured on the lab host), under a third of the 16 MiB a probe's answer may take.
    package static let recipientRowLimit = 20_000

    /// The property that names a row in evidence: `Identity`, else `Name`, else `Thumbprint` (a certificate), else
    /// none.
    package var rowIdentity: String? {
        properties.first { $0 == "Identity" } ?? properties.first { $0 == "Name" }
            ?? properties.first { $0 == "Thumbprint" }
    }

    /// The allow-list (`Drafts/exchange/cmdlets.md` §3, less `Test-ReplicationHealth`: only `Get-*` verbs).
    package static let allowed: [ExchangeFact] = [
        ExchangeFact(
            key: "ExchangeServer", cmdlet: "Get-ExchangeServer", arguments: #"-Identity $env:COMPUTERNAME"#,
            scope: .server, runsOnEdge: true,
            properties: [
                "Name", "Fqdn", "ServerRole", "AdminDisplayVersion", "Edition", "IsExchangeServerSubscriptionEdition",
                "Site", "ErrorReportingEnabled",
            ]),
        ExchangeFact(
            key: "ExchangeServer.All", cmdlet: "Get-ExchangeServer", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["Name", "ServerRole", "Site", "AdminDisplayVersion"], rowLimit: Self.organizationWideRowLimit),
        ExchangeFact(
            key: "DatabaseAvailabilityGroup", cmdlet: "Get-DatabaseAvailabilityGroup", arguments: "",
            scope: .organization, runsOnEdge: false,
            properties: ["Name", "Servers"]),
        ExchangeFact(
            key: "OrganizationConfig", cmdlet: "Get-OrganizationConfig", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: [
                "OAuth2ClientProfileEnabled", "AdSplitPermissionEnabled", "CustomerFeedbackEnabled", "MapiHttpEnabled",
                "MitigationsEnabled", "EnableDownloadDomains", "DefaultAuthenticationPolicy",
            ]),
        ExchangeFact(
            key: "AuthenticationPolicy", cmdlet: "Get-AuthenticationPolicy", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: [
                "Name", "AllowBasicAuthActiveSync", "AllowBasicAuthAutodiscover", "AllowBasicAuthImap",
                "AllowBasicAuthMapi", "AllowBasicAuthOfflineAddressBook", "AllowBasicAuthOutlookService",
                "AllowBasicAuthPop", "AllowBasicAuthPowershell", "AllowBasicAuthReportingWebServices",
                "AllowBasicAuthRest", "AllowBasicAuthRpc", "AllowBasicAuthSmtp", "AllowBasicAuthWebServices",
            ]),
        ExchangeFact(
            key: "MapiVirtualDirectory", cmdlet: "Get-MapiVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: [
                "Identity", "IISAuthenticationMethods", "InternalAuthenticationMethods",
                "ExtendedProtectionTokenChecking",
            ]),
        ExchangeFact(
            key: "MapiVirtualDirectory.All", cmdlet: "Get-MapiVirtualDirectory", arguments: #"-ADPropertiesOnly"#,
            scope: .organization, runsOnEdge: false,
            properties: ["Identity", "IISAuthenticationMethods"], rowLimit: Self.organizationWideRowLimit),
        ExchangeFact(
            key: "OwaVirtualDirectory", cmdlet: "Get-OwaVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: [
                "Identity", "InternalUrl", "ExternalUrl", "InternalAuthenticationMethods", "FormsAuthentication",
                "OAuthAuthentication", "ExtendedProtectionTokenChecking", "SMimeEnabled", "ExternalDownloadHostName",
                "InternalDownloadHostName",
            ]),
        ExchangeFact(
            key: "EcpVirtualDirectory", cmdlet: "Get-EcpVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: [
                "Identity", "InternalAuthenticationMethods", "FormsAuthentication", "OAuthAuthentication",
                "ExtendedProtectionTokenChecking", "AdminEnabled",
            ]),
        ExchangeFact(
            key: "WebServicesVirtualDirectory", cmdlet: "Get-WebServicesVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: [
                "Identity", "InternalAuthenticationMethods", "OAuthAuthentication", "ExtendedProtectionTokenChecking",
            ]),
        ExchangeFact(
            key: "WebServicesVirtualDirectory.All", cmdlet: "Get-WebServicesVirtualDirectory",
            arguments: #"-ADPropertiesOnly"#, scope: .organization, runsOnEdge: false,
            properties: ["Identity", "OAuthAuthentication"], rowLimit: Self.organizationWideRowLimit),
        ExchangeFact(
            key: "ActiveSyncVirtualDirectory", cmdlet: "Get-ActiveSyncVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: ["Identity", "ExtendedProtectionTokenChecking"]),
        ExchangeFact(
            key: "AutodiscoverVirtualDirectory", cmdlet: "Get-AutodiscoverVirtualDirectory",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: [
                "Identity", "InternalAuthenticationMethods", "OAuthAuthentication", "ExtendedProtectionTokenChecking",
            ]),
        ExchangeFact(
            key: "AutodiscoverVirtualDirectory.All", cmdlet: "Get-AutodiscoverVirtualDirectory",
            arguments: #"-ADPropertiesOnly"#, scope: .organization, runsOnEdge: false,
            properties: ["Identity", "OAuthAuthentication"], rowLimit: Self.organizationWideRowLimit),
        ExchangeFact(
            key: "OutlookAnywhere", cmdlet: "Get-OutlookAnywhere",
            arguments: #"-Server $env:COMPUTERNAME -ADPropertiesOnly"#, scope: .server, runsOnEdge: false,
            properties: ["Identity", "SSLOffloading", "ExtendedProtectionTokenChecking"]),
        ExchangeFact(
            key: "RpcClientAccess", cmdlet: "Get-RpcClientAccess", arguments: #"-Server $env:COMPUTERNAME"#,
            scope: .server, runsOnEdge: false,
            properties: ["EncryptionRequired"]),
        ExchangeFact(
            key: "ClientAccessService", cmdlet: "Get-ClientAccessService",
            arguments: #"-Identity $env:COMPUTERNAME -IncludeAlternateServiceAccountCredentialStatus"#, scope: .server,
            runsOnEdge: false,
            properties: ["AlternateServiceAccountConfiguration"]),
        ExchangeFact(
            key: "AuthConfig", cmdlet: "Get-AuthConfig", arguments: "", scope: .organization, runsOnEdge: false,
            properties: ["CurrentCertificateThumbprint", "NextCertificateThumbprint", "NextCertificateEffectiveDate"]),
        ExchangeFact(
            key: "ExchangeCertificate", cmdlet: "Get-ExchangeCertificate", arguments: #"-Server $env:COMPUTERNAME"#,
            scope: .server, runsOnEdge: true,
            properties: ["Thumbprint", "Subject", "NotAfter", "Services", "IsSelfSigned"]),
        ExchangeFact(
            key: "AuthServer", cmdlet: "Get-AuthServer", arguments: "", scope: .organization, runsOnEdge: false,
            properties: [
                "Name", "Type", "Enabled", "IsDefaultAuthorizationEndpoint", "ApplicationIdentifier", "AuthMetadataUrl",
                "DomainName",
            ]),
        ExchangeFact(
            key: "PartnerApplication", cmdlet: "Get-PartnerApplication", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["Name", "Enabled", "ApplicationIdentifier", "LinkedAccount"]),
        ExchangeFact(
            key: "SettingOverride", cmdlet: "Get-SettingOverride", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["Name", "ComponentName", "SectionName", "Parameters", "Server", "Reason"]),
        ExchangeFact(
            key: "TransportService", cmdlet: "Get-TransportService", arguments: #"-Identity $env:COMPUTERNAME"#,
            scope: .server, runsOnEdge: true,
            properties: [
                "ConnectivityLogEnabled", "MessageTrackingLogEnabled", "MessageTrackingLogSubjectLoggingEnabled",
                "MaxOutboundConnections", "MaxPerDomainOutboundConnections", "MessageRetryInterval",
                "PickupDirectoryPath", "InternalTransportCertificateThumbprint",
            ]),
        ExchangeFact(
            key: "TransportConfig", cmdlet: "Get-TransportConfig", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["MaxSendSize", "MaxReceiveSize", "MaxRecipientEnvelopeLimit"]),
        ExchangeFact(
            key: "ReceiveConnector", cmdlet: "Get-ReceiveConnector", arguments: #"-Server $env:COMPUTERNAME"#,
            scope: .server, runsOnEdge: true,
            properties: [
                "Identity", "Enabled", "TransportRole", "Bindings", "RemoteIPRanges", "AuthMechanism",
                "PermissionGroups", "RequireTLS", "DomainSecureEnabled", "TlsDomainCapabilities",
                "ProtocolLoggingLevel", "MaxMessageSize", "MaxHopCount", "ConnectionTimeout", "MaxRecipientsPerMessage",
                "Banner", "TarpitInterval",
            ]),
        ExchangeFact(
            key: "ReceiveConnector.All", cmdlet: "Get-ReceiveConnector", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["Identity", "Enabled", "TransportRole", "AuthMechanism", "TlsDomainCapabilities"],
            rowLimit: Self.organizationWideRowLimit),
        ExchangeFact(
            key: "SendConnector", cmdlet: "Get-SendConnector", arguments: "", scope: .organization, runsOnEdge: true,
            properties: [
                "Identity", "Enabled", "AddressSpaces", "SourceTransportServers", "SmartHosts", "DNSRoutingEnabled",
                "RequireTLS", "TlsAuthLevel", "TlsDomain", "TlsCertificateName", "DomainSecureEnabled",
                "IgnoreStartTLS", "CloudServicesMailEnabled", "ProtocolLoggingLevel", "MaxMessageSize",
                "ConnectionInactivityTimeOut", "Fqdn",
            ]),
        ExchangeFact(
            key: "RemoteDomain", cmdlet: "Get-RemoteDomain", arguments: "", scope: .organization, runsOnEdge: false,
            properties: [
                "Identity", "DomainName", "AutoForwardEnabled", "AutoReplyEnabled", "NDREnabled", "AllowedOOFType",
            ]),
        ExchangeFact(
            key: "AcceptedDomain", cmdlet: "Get-AcceptedDomain", arguments: "", scope: .organization, runsOnEdge: false,
            properties: ["DomainName", "DomainType", "Default"]),
        ExchangeFact(
            key: "MailboxDatabase", cmdlet: "Get-MailboxDatabase", arguments: #"-Server $env:COMPUTERNAME"#,
            scope: .database, runsOnEdge: false,
            properties: [
                "Name", "Server", "Recovery", "EdbFilePath", "LogFolderPath", "IssueWarningQuota", "ProhibitSendQuota",
                "ProhibitSendReceiveQuota", "DeletedItemRetention", "MailboxRetention", "RetainDeletedItemsUntilBackup",
                "CircularLoggingEnabled", "MountAtStartup", "DatabaseCopies",
            ]),
        ExchangeFact(
            key: "Mailbox", cmdlet: "Get-Mailbox", arguments: #"-ResultSize 20001"#, scope: .organization,
            runsOnEdge: false,
            properties: [
                "UserPrincipalName", "PrimarySmtpAddress", "WindowsEmailAddress", "RecipientTypeDetails",
                "AccountDisabled", "SingleItemRecoveryEnabled",
            ], rowLimit: Self.recipientRowLimit),
        ExchangeFact(
            key: "MobileDeviceMailboxPolicy", cmdlet: "Get-MobileDeviceMailboxPolicy", arguments: "",
            scope: .organization, runsOnEdge: false,
            properties: [
                "Name", "IsDefault", "PasswordEnabled", "AllowSimplePassword", "AlphanumericPasswordRequired",
                "MinPasswordLength", "PasswordHistory", "MaxPasswordFailedAttempts", "PasswordExpiration",
                "MaxInactivityTimeLock", "DevicePolicyRefreshInterval", "RequireDeviceEncryption",
                "AllowNonProvisionableDevices",
            ]),
        ExchangeFact(
            key: "IRMConfiguration", cmdlet: "Get-IRMConfiguration", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["InternalLicensingEnabled", "ExternalLicensingEnabled", "AzureRMSLicensingEnabled"]),
        ExchangeFact(
            key: "AdminAuditLogConfig", cmdlet: "Get-AdminAuditLogConfig", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: ["AdminAuditLogEnabled", "AdminAuditLogCmdlets", "AdminAuditLogAgeLimit", "LogLevel"]),
        ExchangeFact(
            key: "EventLogLevel", cmdlet: "Get-EventLogLevel", arguments: #"-Server $env:COMPUTERNAME"#, scope: .server,
            runsOnEdge: true,
            properties: ["Identity", "EventLevel"]),
        ExchangeFact(
            key: "ClientAccessRule", cmdlet: "Get-ClientAccessRule", arguments: "", scope: .organization,
            runsOnEdge: false,
            properties: [
                "Name", "Enabled", "Priority", "Action", "AnyOfProtocols", "AnyOfClientIPAddressesOrRanges",
                "UsernameMatchesAnyOfPatterns",
            ]),
        ExchangeFact(
            key: "User.RemotePowerShell", cmdlet: "Get-User",
            arguments: #"-ResultSize 20001 -Filter 'RemotePowerShellEnabled -eq $true'"#, scope: .organization,
            runsOnEdge: false,
            properties: ["SamAccountName", "RecipientTypeDetails"], rowLimit: Self.recipientRowLimit),
        ExchangeFact(
            key: "RoleGroupMember.OrganizationManagement", cmdlet: "Get-RoleGroupMember",
            arguments: #"-Identity 'Organization Management' -ResultSize 1001"#, scope: .organization,
            runsOnEdge: false,
            properties: ["SamAccountName", "RecipientType"]),
        ExchangeFact(
            key: "RoleGroupMember.ServerManagement", cmdlet: "Get-RoleGroupMember",
            arguments: #"-Identity 'Server Management' -ResultSize 1001"#, scope: .organization,
            runsOnEdge: false,
            properties: ["SamAccountName", "RecipientType"]),
        ExchangeFact(
            key: "RoleGroupMember.RecipientManagement", cmdlet: "Get-RoleGroupMember",
            arguments: #"-Identity 'Recipient Management' -ResultSize 1001"#, scope: .organization,
            runsOnEdge: false,
            properties: ["SamAccountName", "RecipientType"]),
        ExchangeFact(
            key: "TransportAgent", cmdlet: "Get-TransportAgent", arguments: "", scope: .server, runsOnEdge: true,
            properties: ["Identity", "Enabled", "Priority"]),
        ExchangeFact(
            key: "ContentFilterConfig", cmdlet: "Get-ContentFilterConfig", arguments: "", scope: .organization,
            runsOnEdge: true,
            properties: ["Enabled", "ExternalMailEnabled", "SCLRejectEnabled", "SCLDeleteEnabled", "QuarantineMailbox"]),
        ExchangeFact(
            key: "SenderFilterConfig", cmdlet: "Get-SenderFilterConfig", arguments: "", scope: .organization,
            runsOnEdge: true,
            properties: [
                "Enabled", "BlankSenderBlockingEnabled", "BlockedSenders", "BlockedDomains",
                "BlockedDomainsAndSubdomains",
            ]),
        ExchangeFact(
            key: "SenderIdConfig", cmdlet: "Get-SenderIdConfig", arguments: "", scope: .organization, runsOnEdge: true,
            properties: ["Enabled", "SpoofedDomainAction", "TempErrorAction"]),
        ExchangeFact(
            key: "SenderReputationConfig", cmdlet: "Get-SenderReputationConfig", arguments: "", scope: .organization,
            runsOnEdge: true,
            properties: ["Enabled", "SenderBlockingEnabled", "SenderBlockingPeriod", "SrlBlockThreshold"]),
        ExchangeFact(
            key: "RecipientFilterConfig", cmdlet: "Get-RecipientFilterConfig", arguments: "", scope: .organization,
            runsOnEdge: true,
            properties: ["Enabled", "BlockListEnabled", "RecipientValidationEnabled"]),
        ExchangeFact(
            key: "EdgeSubscription", cmdlet: "Get-EdgeSubscription", arguments: "", scope: .organization,
            runsOnEdge: true,
            properties: ["Name", "Domain", "Site", "CreateUtc", "LifeTime"]),
    ]

    private static let byKey: [String: ExchangeFact] = Dictionary(
        uniqueKeysWithValues: allowed.map { ($0.key.lowercased(), $0) })

    /// The allow-listed stage key of this name, ignoring case.
    package static func named(_ text: String) -> ExchangeFact? {
        byKey[text.lowercased()]
    }

    /// The property of this key spelled as given (ignoring case), in the allow-list's spelling.
    package func property(_ text: String) -> String? {
        properties.first { $0.lowercased() == text.lowercased() }
    }

    package static func == (lhs: ExchangeFact, rhs: ExchangeFact) -> Bool { lhs.key == rhs.key }

    package func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
