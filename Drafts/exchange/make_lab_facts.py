#!/usr/bin/env python3
"""Writes lab-facts/*.json: Exchange stage facts for two simulated organisations, in the shape the stage answers
(values already normalised: sizes in bytes, time spans in seconds, 'Unlimited', flags as arrays).

Contoso (hardened, Exchange SE 15.2.2562.37): MBX01, MBX03 (site HQ), MBX04 (site DR), EDGE01.
Fabrikam (default, Exchange 2019 CU14 15.2.1544.4, as setup left it): MBX02.
Host names and builds match Inventory/lab/*.json.
"""
import copy
import json
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lab-facts')
MB = 1024 * 1024
GB = 1024 * MB
DAY = 86400
INSTALL = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15'
SHARED_EXO = '00000002-0000-0ff1-ce00-000000000000'
DEDICATED = '6b0c5a34-2f1e-4d1f-9a7e-3f4c2b8d9e10'
AUTH_THUMB = '5D1A3B2C4E6F708192A3B4C5D6E7F8091A2B3C4D'
ALL_BASIC = ['ActiveSync', 'Autodiscover', 'Imap', 'Mapi', 'OfflineAddressBook', 'OutlookService', 'Pop', 'Powershell',
             'ReportingWebServices', 'Rest', 'Rpc', 'Smtp', 'WebServices']


def ok(*rows):
    return {'rows': list(rows)}


def auth_policy(name, allowed=()):
    row = {'Name': name}
    for p in ALL_BASIC:
        row['AllowBasicAuth' + p] = p in allowed
    return row


def vdirs(server, hardened):
    fe, be = '(Default Web Site)', '(Exchange Back End)'
    wia = ['Ntlm', 'WindowsIntegrated']
    oauth = hardened
    ep = 'None'  # the AD property; Extended Protection itself is in IIS (see EDCA-SEC-014)
    host = 'mail.contoso.com' if hardened else 'mail.fabrikam.com'
    return {
        'MapiVirtualDirectory': ok(*[{'Identity': '%s\\mapi %s' % (server, s), 'IISAuthenticationMethods': ['Ntlm', 'OAuth', 'Negotiate'], 'InternalAuthenticationMethods': ['Ntlm', 'OAuth', 'Negotiate'], 'ExtendedProtectionTokenChecking': ep} for s in (fe, be)]),
        'OwaVirtualDirectory': ok(*[{'Identity': '%s\\owa %s' % (server, s), 'InternalUrl': 'https://%s/owa' % host, 'ExternalUrl': 'https://%s/owa' % host,
                                     'InternalAuthenticationMethods': (['Basic', 'Fba', 'Ntlm', 'WindowsIntegrated'] if s == fe else ['Ntlm', 'WindowsIntegrated']),
                                     'FormsAuthentication': s == fe, 'OAuthAuthentication': False, 'ExtendedProtectionTokenChecking': ep, 'SMimeEnabled': True,
                                     'ExternalDownloadHostName': 'download.contoso.com' if hardened and s == fe else None,
                                     'InternalDownloadHostName': 'download.contoso.com' if hardened and s == fe else None} for s in (fe, be)]),
        'EcpVirtualDirectory': ok(*[{'Identity': '%s\\ecp %s' % (server, s), 'InternalAuthenticationMethods': wia, 'FormsAuthentication': s == fe, 'OAuthAuthentication': False, 'ExtendedProtectionTokenChecking': ep, 'AdminEnabled': True} for s in (fe, be)]),
        'WebServicesVirtualDirectory': ok(*[{'Identity': '%s\\EWS %s' % (server, s), 'InternalAuthenticationMethods': wia + (['OAuth'] if oauth else []), 'OAuthAuthentication': True, 'ExtendedProtectionTokenChecking': ep} for s in (fe, be)]),
        'ActiveSyncVirtualDirectory': ok(*[{'Identity': '%s\\Microsoft-Server-ActiveSync %s' % (server, s), 'ExtendedProtectionTokenChecking': ep} for s in (fe, be)]),
        'AutodiscoverVirtualDirectory': ok(*[{'Identity': '%s\\Autodiscover %s' % (server, s), 'InternalAuthenticationMethods': wia + ['OAuth'], 'OAuthAuthentication': True, 'ExtendedProtectionTokenChecking': ep} for s in (fe, be)]),
        'OutlookAnywhere': ok({'Identity': '%s\\Rpc (Default Web Site)' % server, 'SSLOffloading': False, 'ExtendedProtectionTokenChecking': ep}),
    }


def receive_connectors(server, hardened, hybrid=False):
    def rc(name, role, bindings, auth, groups, **kw):
        row = {'Identity': '%s\\%s %s' % (server, name, server), 'Enabled': True, 'TransportRole': role, 'Bindings': bindings,
               'RemoteIPRanges': ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0.0.0.0-255.255.255.255'],
               'AuthMechanism': auth, 'PermissionGroups': groups, 'RequireTLS': False, 'DomainSecureEnabled': False,
               'TlsDomainCapabilities': [], 'ProtocolLoggingLevel': 'Verbose' if hardened else 'None',
               'MaxMessageSize': 25 * MB if hardened else 36 * MB, 'MaxHopCount': 60, 'ConnectionTimeout': 300 if hardened else 600,
               'MaxRecipientsPerMessage': 200, 'Banner': None, 'TarpitInterval': 5}
        row.update(kw)
        return row
    rows = [
        rc('Default Frontend', 'FrontendTransport', ['[::]:25', '0.0.0.0:25'], ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer'],
           ['AnonymousUsers', 'ExchangeServers', 'ExchangeLegacyServers'], ProtocolLoggingLevel='Verbose',
           MaxMessageSize=25 * MB if hardened else 36 * MB,
           TlsDomainCapabilities=['mail.protection.outlook.com:AcceptCloudServicesMail'] if hybrid else [],
           Banner='220 mail.contoso.com ready' if hardened else None),
        rc('Outbound Proxy Frontend', 'FrontendTransport', ['[::]:717', '0.0.0.0:717'], ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer'], ['ExchangeServers']),
        rc('Client Frontend', 'FrontendTransport', ['[::]:587', '0.0.0.0:587'], ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS'], ['ExchangeUsers']),
        rc('Default', 'HubTransport', ['[::]:2525', '0.0.0.0:2525'], ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer'],
           ['ExchangeUsers', 'ExchangeServers', 'ExchangeLegacyServers'], RequireTLS=hardened),
        rc('Client Proxy', 'HubTransport', ['[::]:465', '0.0.0.0:465'], ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer'],
           ['ExchangeUsers', 'ExchangeServers'], RequireTLS=hardened),
    ]
    rows[3]['Identity'] = '%s\\Default %s' % (server, server)
    rows[4]['Identity'] = '%s\\Client Proxy %s' % (server, server)
    return rows


def mailbox_server(name, site, hardened, dbs, line_se=True, asa=None, dag=False, hybrid=False):
    facts = {
        'ExchangeServer': ok({'Name': name, 'Fqdn': '%s.%s' % (name.lower(), 'contoso.com' if hardened else 'fabrikam.com'), 'ServerRole': ['Mailbox'],
                              'AdminDisplayVersion': 'Version 15.2 (Build 2562.37)' if line_se else 'Version 15.2 (Build 1544.4)',
                              'Edition': 'StandardEvaluation' if not hardened else 'Enterprise', 'IsExchangeServerSubscriptionEdition': line_se,
                              'Site': site, 'ErrorReportingEnabled': False if hardened else None}),
        'RpcClientAccess': ok({'EncryptionRequired': True}),
        'ClientAccessService': ok({'AlternateServiceAccountConfiguration': {'EffectiveCredentials': [{'UserName': asa}] if asa else [], 'Latest': {'UserName': asa} if asa else None}}),
        'ExchangeCertificate': ok(
            {'Thumbprint': AUTH_THUMB, 'Subject': 'CN=Microsoft Exchange Server Auth Certificate', 'NotAfter': '2030-04-11T08:12:40.0000000Z', 'Services': ['SMTP'], 'IsSelfSigned': True},
            {'Thumbprint': 'B7E1C0D2A3F4958677A8B9C0D1E2F3A4B5C6D7E8' if hardened else 'C8F2D1E3B4A5968778B9C0D1E2F3A4B5C6D7E8F9', 'Subject': 'CN=%s' % name,
             'NotAfter': '2029-01-15T10:00:00.0000000Z' if hardened else '2028-06-02T09:30:00.0000000Z', 'Services': ['IMAP', 'POP', 'SMTP'], 'IsSelfSigned': True},
            {'Thumbprint': 'E4D3C2B1A09F8E7D6C5B4A392817160504F3E2D1', 'Subject': 'CN=mail.%s' % ('contoso.com' if hardened else 'fabrikam.com'),
             'NotAfter': '2027-03-01T23:59:59.0000000Z', 'Services': ['IIS', 'SMTP'], 'IsSelfSigned': False}),
        'TransportService': ok({'ConnectivityLogEnabled': True, 'MessageTrackingLogEnabled': True, 'MessageTrackingLogSubjectLoggingEnabled': not hardened,
                                'MaxOutboundConnections': 1000, 'MaxPerDomainOutboundConnections': 20, 'MessageRetryInterval': 300 if hardened else 900,
                                'PickupDirectoryPath': None if hardened else INSTALL + '\\TransportRoles\\Pickup',
                                'InternalTransportCertificateThumbprint': 'B7E1C0D2A3F4958677A8B9C0D1E2F3A4B5C6D7E8' if hardened else 'C8F2D1E3B4A5968778B9C0D1E2F3A4B5C6D7E8F9'}),
        'ReceiveConnector': ok(*receive_connectors(name, hardened, hybrid)),
        'MailboxDatabase': ok(*dbs),
        'EventLogLevel': ok(*[{'Identity': '%s\\%s' % (name, c), 'EventLevel': 'Lowest'} for c in
                              ('MSExchange ADAccess\\Topology', 'MSExchangeTransport\\SmtpReceive', 'MSExchangeTransport\\SmtpSend', 'MSExchangeIS\\9000 Private\\Logons', 'MSExchange OWA\\Core')]),
        'TransportAgent': ok(*([{'Identity': a, 'Enabled': True, 'Priority': i + 1} for i, a in enumerate(
            ['Transport Rule Agent', 'DLP Policy Agent', 'Retention Policy Agent', 'Supervisory Review Agent', 'Malware Agent', 'Text Messaging Routing Agent',
             'Text Messaging Delivery Agent', 'System Probe Drop Smtp Agent', 'System Probe Drop Routing Agent']
            + (['Content Filter Agent', 'Sender Id Agent', 'Sender Filter Agent', 'Recipient Filter Agent', 'Protocol Analysis Agent'] if hardened else []))])),
        'ReplicationHealth': ok(*[{'Check': c, 'Result': 'Passed', 'Error': None} for c in
                                  ('ClusterService', 'ReplayService', 'ActiveManager', 'TasksRpcListener', 'TcpListener', 'ServerLocatorService', 'DagMembersUp', 'ClusterNetwork',
                                   'QuorumGroup', 'FileShareQuorum', 'DatabaseRedundancy', 'DatabaseAvailability', 'DBCopySuspended', 'DBCopyFailed', 'DBInitializing',
                                   'DBDisconnected', 'DBLogCopyKeepingUp', 'DBLogReplayKeepingUp')]) if dag else {'error': {'class': 'failed', 'message': 'the server is not a member of a database availability group'}},
    }
    facts.update(vdirs(name, hardened))
    return facts


def db(name, server, copies, edb, log, hardened):
    return {'Name': name, 'Server': server, 'Recovery': False, 'EdbFilePath': edb, 'LogFolderPath': log,
            'IssueWarningQuota': 45 * GB if hardened else 2040109466, 'ProhibitSendQuota': 49 * GB if hardened else 2 * GB,
            'ProhibitSendReceiveQuota': 50 * GB if hardened else 2469606195, 'DeletedItemRetention': 30 * DAY if hardened else 14 * DAY,
            'MailboxRetention': 30 * DAY, 'RetainDeletedItemsUntilBackup': hardened, 'CircularLoggingEnabled': False, 'MountAtStartup': True,
            'DatabaseCopies': copies}


def mdm(hardened):
    if hardened:
        return {'Name': 'Default', 'IsDefault': True, 'PasswordEnabled': True, 'AllowSimplePassword': False, 'AlphanumericPasswordRequired': True,
                'MinPasswordLength': 6, 'PasswordHistory': 5, 'MaxPasswordFailedAttempts': 10, 'PasswordExpiration': 180 * DAY,
                'MaxInactivityTimeLock': 900, 'DevicePolicyRefreshInterval': 3600, 'RequireDeviceEncryption': True, 'AllowNonProvisionableDevices': False}
    return {'Name': 'Default', 'IsDefault': True, 'PasswordEnabled': False, 'AllowSimplePassword': True, 'AlphanumericPasswordRequired': False,
            'MinPasswordLength': None, 'PasswordHistory': 0, 'MaxPasswordFailedAttempts': 'Unlimited', 'PasswordExpiration': 'Unlimited',
            'MaxInactivityTimeLock': 'Unlimited', 'DevicePolicyRefreshInterval': 'Unlimited', 'RequireDeviceEncryption': False, 'AllowNonProvisionableDevices': True}


def org_contoso(servers):
    hybrid_sc = {'Identity': 'Outbound to Office 365 - 2f4b7c1e-5d3a-4e8b-9c0f-1a2b3c4d5e6f', 'Enabled': True, 'AddressSpaces': ['smtp:contoso.mail.onmicrosoft.com;1'],
                 'SourceTransportServers': ['MBX01', 'MBX03'], 'SmartHosts': ['contoso-com.mail.protection.outlook.com'], 'DNSRoutingEnabled': False, 'RequireTLS': True,
                 'TlsAuthLevel': 'DomainValidation', 'TlsDomain': 'mail.protection.outlook.com',
                 'TlsCertificateName': '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com', 'DomainSecureEnabled': False,
                 'IgnoreStartTLS': False, 'CloudServicesMailEnabled': True, 'ProtocolLoggingLevel': 'Verbose', 'MaxMessageSize': 25 * MB, 'ConnectionInactivityTimeOut': 600, 'Fqdn': 'mail.contoso.com'}
    internet_sc = {'Identity': 'EdgeSync - HQ to Internet', 'Enabled': True, 'AddressSpaces': ['smtp:*;100'], 'SourceTransportServers': ['EDGE01'], 'SmartHosts': [],
                   'DNSRoutingEnabled': True, 'RequireTLS': False, 'TlsAuthLevel': None, 'TlsDomain': None, 'TlsCertificateName': None, 'DomainSecureEnabled': True,
                   'IgnoreStartTLS': False, 'CloudServicesMailEnabled': False, 'ProtocolLoggingLevel': 'Verbose', 'MaxMessageSize': 25 * MB, 'ConnectionInactivityTimeOut': 600, 'Fqdn': 'smtp.contoso.com'}
    inbound_sc = dict(internet_sc, Identity='EdgeSync - Inbound to HQ', AddressSpaces=['smtp:--;100'], DNSRoutingEnabled=False, SmartHosts=['--'], RequireTLS=True)
    all_rc = []
    for name in ('MBX01', 'MBX03', 'MBX04'):
        all_rc += [{k: r[k] for k in ('Identity', 'Enabled', 'TransportRole', 'AuthMechanism', 'TlsDomainCapabilities')} for r in servers[name]['ReceiveConnector']['rows']]
    contoso = {
        'organization': 'Contoso',
        'collectedOn': 'MBX01',
        'ExchangeServer.All': ok(*[{'Name': n, 'ServerRole': r, 'Site': s, 'AdminDisplayVersion': 'Version 15.2 (Build 2562.37)'} for n, r, s in
                                   (('MBX01', ['Mailbox'], 'contoso.com/Configuration/Sites/HQ'), ('MBX03', ['Mailbox'], 'contoso.com/Configuration/Sites/HQ'),
                                    ('MBX04', ['Mailbox'], 'contoso.com/Configuration/Sites/DR'), ('EDGE01', ['Edge'], None))]),
        'DatabaseAvailabilityGroup': ok({'Name': 'DAG1', 'Servers': ['MBX01', 'MBX03', 'MBX04']}),
        'OrganizationConfig': ok({'OAuth2ClientProfileEnabled': True, 'AdSplitPermissionEnabled': True, 'CustomerFeedbackEnabled': False, 'MapiHttpEnabled': True,
                                  'MitigationsEnabled': True, 'EnableDownloadDomains': True, 'DefaultAuthenticationPolicy': 'Block Basic Auth'}),
        'AuthenticationPolicy': ok(auth_policy('Block Basic Auth'), auth_policy('Legacy scanner (IMAP)', ('Imap',))),
        'AuthConfig': ok({'CurrentCertificateThumbprint': AUTH_THUMB, 'NextCertificateThumbprint': None, 'NextCertificateEffectiveDate': None}),
        'AuthServer': ok({'Name': 'EvoSts - 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'Type': 'AzureAD', 'Enabled': True, 'IsDefaultAuthorizationEndpoint': True,
                          'ApplicationIdentifier': DEDICATED, 'AuthMetadataUrl': 'https://login.windows.net/contoso.onmicrosoft.com/federationmetadata/2007-06/federationmetadata.xml', 'DomainName': ['contoso.com']}),
        'PartnerApplication': ok({'Name': 'Exchange Online', 'Enabled': True, 'ApplicationIdentifier': SHARED_EXO, 'LinkedAccount': 'contoso.com/Users/Exchange Online-ApplicationAccount'}),
        'SettingOverride': ok(
            {'Name': 'EnableSigningVerification', 'ComponentName': 'Data', 'SectionName': 'EnableSerializationDataSigning', 'Parameters': ['Enabled=true'], 'Server': [], 'Reason': 'Serialized data signing'},
            {'Name': 'EnableEncryptionAlgorithmCBC', 'ComponentName': 'Encryption', 'SectionName': 'EnableEncryptionAlgorithmCBC', 'Parameters': ['Enabled=True'], 'Server': [], 'Reason': 'AES256-CBC for IRM'},
            {'Name': 'EnableExchangeHybrid3PAppFeature', 'ComponentName': 'Global', 'SectionName': 'ExchangeOnpremAsThirdPartyAppId', 'Parameters': ['Enabled=True'], 'Server': [], 'Reason': 'Dedicated hybrid app'},
            {'Name': 'OWA HMA Download Domain Support', 'ComponentName': 'OAuth', 'SectionName': 'OAuthIdentityCacheFixForDownloadDomains', 'Parameters': ['Enabled=true'], 'Server': [], 'Reason': 'Download domains with HMA'}),
        'TransportConfig': ok({'MaxSendSize': 25 * MB, 'MaxReceiveSize': 25 * MB, 'MaxRecipientEnvelopeLimit': 500}),
        'ReceiveConnector.All': ok(*all_rc),
        'SendConnector': ok(hybrid_sc, internet_sc, inbound_sc),
        'RemoteDomain': ok({'Identity': 'Default', 'DomainName': '*', 'AutoForwardEnabled': False, 'AutoReplyEnabled': False, 'NDREnabled': False, 'AllowedOOFType': 'None'},
                           {'Identity': 'Hybrid Domain - contoso.mail.onmicrosoft.com', 'DomainName': 'contoso.mail.onmicrosoft.com', 'AutoForwardEnabled': False, 'AutoReplyEnabled': False, 'NDREnabled': False, 'AllowedOOFType': 'None'}),
        'AcceptedDomain': ok({'DomainName': 'contoso.com', 'DomainType': 'Authoritative', 'Default': True}, {'DomainName': 'contoso.mail.onmicrosoft.com', 'DomainType': 'Authoritative', 'Default': False}),
        'Mailbox': ok(*[{'UserPrincipalName': u, 'PrimarySmtpAddress': s, 'WindowsEmailAddress': s, 'RecipientTypeDetails': t, 'AccountDisabled': d, 'SingleItemRecoveryEnabled': r} for u, s, t, d, r in (
            ('alice@contoso.com', 'alice@contoso.com', 'UserMailbox', False, True), ('bob@contoso.com', 'bob@contoso.com', 'UserMailbox', False, True),
            ('info@contoso.com', 'info@contoso.com', 'SharedMailbox', True, True), ('room-paris@contoso.com', 'room-paris@contoso.com', 'RoomMailbox', True, False))]),
        'MobileDeviceMailboxPolicy': ok(mdm(True)),
        'IRMConfiguration': ok({'InternalLicensingEnabled': True, 'ExternalLicensingEnabled': True, 'AzureRMSLicensingEnabled': True}),
        'AdminAuditLogConfig': ok({'AdminAuditLogEnabled': True, 'AdminAuditLogCmdlets': ['*'], 'AdminAuditLogAgeLimit': 365 * DAY, 'LogLevel': 'Verbose'}),
        'ClientAccessRule': ok({'Name': 'Allow admin network', 'Enabled': True, 'Priority': 1, 'Action': 'AllowAccess', 'AnyOfProtocols': ['ExchangeAdminCenter', 'RemotePowerShell'], 'AnyOfClientIPAddressesOrRanges': ['10.0.5.0/24'], 'UsernameMatchesAnyOfPatterns': []},
                               {'Name': 'Block admin access elsewhere', 'Enabled': True, 'Priority': 2, 'Action': 'DenyAccess', 'AnyOfProtocols': ['ExchangeAdminCenter', 'RemotePowerShell'], 'AnyOfClientIPAddressesOrRanges': [], 'UsernameMatchesAnyOfPatterns': []}),
        'User.RemotePowerShell': ok({'SamAccountName': 'adm-alice', 'RecipientTypeDetails': 'User'}, {'SamAccountName': 'adm-bob', 'RecipientTypeDetails': 'User'}),
        'RoleGroupMember.OrganizationManagement': ok({'SamAccountName': 'adm-alice', 'RecipientType': 'User'}),
        'RoleGroupMember.ServerManagement': ok({'SamAccountName': 'adm-bob', 'RecipientType': 'User'}),
        'RoleGroupMember.RecipientManagement': ok(),
        'ContentFilterConfig': ok({'Enabled': True, 'ExternalMailEnabled': True, 'SCLRejectEnabled': True, 'SCLDeleteEnabled': False, 'QuarantineMailbox': None}),
        'SenderFilterConfig': ok({'Enabled': True, 'BlankSenderBlockingEnabled': True, 'BlockedSenders': [], 'BlockedDomains': ['spam.example'], 'BlockedDomainsAndSubdomains': ['bulk.example']}),
        'SenderIdConfig': ok({'Enabled': True, 'SpoofedDomainAction': 'Reject', 'TempErrorAction': 'StampStatus'}),
        'SenderReputationConfig': ok({'Enabled': True, 'SenderBlockingEnabled': True, 'SenderBlockingPeriod': 24, 'SrlBlockThreshold': 7}),
        'RecipientFilterConfig': ok({'Enabled': True, 'BlockListEnabled': False, 'RecipientValidationEnabled': True}),
        'EdgeSubscription': ok({'Name': 'EDGE01', 'Domain': 'contoso.com', 'Site': 'contoso.com/Configuration/Sites/HQ', 'CreateUtc': '2026-02-10T09:14:00.0000000Z', 'LifeTime': None}),
    }
    contoso.update(all_vdirs([servers[n] for n in ('MBX01', 'MBX03', 'MBX04') if 'MapiVirtualDirectory' in servers[n]]))
    return contoso


def all_vdirs(server_facts):
    """The organisation-wide virtual directory answers (cmdlet without -Server) from the servers' own rows."""
    out = {}
    for key, props in (('MapiVirtualDirectory', ('Identity', 'IISAuthenticationMethods')), ('WebServicesVirtualDirectory', ('Identity', 'OAuthAuthentication')),
                       ('AutodiscoverVirtualDirectory', ('Identity', 'OAuthAuthentication'))):
        out[key + '.All'] = ok(*[{k: r[k] for k in props} for f in server_facts for r in f[key]['rows']])
    return out


def org_fabrikam(mbx02):
    org = {
        'organization': 'Fabrikam',
        'collectedOn': 'MBX02',
        'ExchangeServer.All': ok({'Name': 'MBX02', 'ServerRole': ['Mailbox'], 'Site': 'fabrikam.com/Configuration/Sites/Default-First-Site-Name', 'AdminDisplayVersion': 'Version 15.2 (Build 1544.4)'}),
        'DatabaseAvailabilityGroup': ok(),
        'OrganizationConfig': ok({'OAuth2ClientProfileEnabled': False, 'AdSplitPermissionEnabled': False, 'CustomerFeedbackEnabled': None, 'MapiHttpEnabled': True,
                                  'MitigationsEnabled': True, 'EnableDownloadDomains': False, 'DefaultAuthenticationPolicy': None}),
        'AuthenticationPolicy': ok(),
        'AuthConfig': ok({'CurrentCertificateThumbprint': AUTH_THUMB.replace('5D1A', '7E2B'), 'NextCertificateThumbprint': None, 'NextCertificateEffectiveDate': None}),
        'AuthServer': ok(),
        'PartnerApplication': ok(),
        'SettingOverride': ok(),
        'TransportConfig': ok({'MaxSendSize': 10 * MB, 'MaxReceiveSize': 10 * MB, 'MaxRecipientEnvelopeLimit': 500}),
        'ReceiveConnector.All': ok(*[{k: r[k] for k in ('Identity', 'Enabled', 'TransportRole', 'AuthMechanism', 'TlsDomainCapabilities')} for r in mbx02['ReceiveConnector']['rows']]),
        'SendConnector': ok({'Identity': 'Internet', 'Enabled': True, 'AddressSpaces': ['SMTP:*;1'], 'SourceTransportServers': ['MBX02'], 'SmartHosts': [], 'DNSRoutingEnabled': True,
                             'RequireTLS': False, 'TlsAuthLevel': None, 'TlsDomain': None, 'TlsCertificateName': None, 'DomainSecureEnabled': False, 'IgnoreStartTLS': False,
                             'CloudServicesMailEnabled': False, 'ProtocolLoggingLevel': 'None', 'MaxMessageSize': 35 * MB, 'ConnectionInactivityTimeOut': 600, 'Fqdn': None}),
        'RemoteDomain': ok({'Identity': 'Default', 'DomainName': '*', 'AutoForwardEnabled': True, 'AutoReplyEnabled': True, 'NDREnabled': True, 'AllowedOOFType': 'External'}),
        'AcceptedDomain': ok({'DomainName': 'fabrikam.com', 'DomainType': 'Authoritative', 'Default': True}),
        'Mailbox': ok(*[{'UserPrincipalName': u, 'PrimarySmtpAddress': s, 'WindowsEmailAddress': s, 'RecipientTypeDetails': t, 'AccountDisabled': d, 'SingleItemRecoveryEnabled': r} for u, s, t, d, r in (
            ('administrator@fabrikam.local', 'administrator@fabrikam.com', 'UserMailbox', False, False), ('carol@fabrikam.com', 'carol@fabrikam.com', 'UserMailbox', False, False),
            ('sales@fabrikam.local', 'sales@fabrikam.com', 'SharedMailbox', False, False), ('DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}@fabrikam.local',
            'DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}@fabrikam.com', 'DiscoveryMailbox', True, False))]),
        'MobileDeviceMailboxPolicy': ok(mdm(False)),
        'IRMConfiguration': ok({'InternalLicensingEnabled': False, 'ExternalLicensingEnabled': False, 'AzureRMSLicensingEnabled': False}),
        'AdminAuditLogConfig': ok({'AdminAuditLogEnabled': True, 'AdminAuditLogCmdlets': ['*'], 'AdminAuditLogAgeLimit': 90 * DAY, 'LogLevel': 'None'}),
        'ClientAccessRule': ok(),
        'User.RemotePowerShell': ok(*[{'SamAccountName': s, 'RecipientTypeDetails': 'UserMailbox'} for s in ('Administrator', 'carol', 'dave', 'erin')]),
        'RoleGroupMember.OrganizationManagement': ok({'SamAccountName': 'Administrator', 'RecipientType': 'UserMailbox'}),
        'RoleGroupMember.ServerManagement': ok(),
        'RoleGroupMember.RecipientManagement': ok(),
        'ContentFilterConfig': ok({'Enabled': True, 'ExternalMailEnabled': True, 'SCLRejectEnabled': False, 'SCLDeleteEnabled': False, 'QuarantineMailbox': None}),
        'SenderFilterConfig': ok({'Enabled': True, 'BlankSenderBlockingEnabled': False, 'BlockedSenders': [], 'BlockedDomains': [], 'BlockedDomainsAndSubdomains': []}),
        'SenderIdConfig': ok({'Enabled': True, 'SpoofedDomainAction': 'StampStatus', 'TempErrorAction': 'StampStatus'}),
        'SenderReputationConfig': ok({'Enabled': True, 'SenderBlockingEnabled': True, 'SenderBlockingPeriod': 24, 'SrlBlockThreshold': 7}),
        'RecipientFilterConfig': ok({'Enabled': True, 'BlockListEnabled': False, 'RecipientValidationEnabled': False}),
        'EdgeSubscription': ok(),
    }
    org.update(all_vdirs([mbx02]))
    return org


def edge01():
    def rc(name, ranges, auth, groups, require_tls):
        return {'Identity': 'EDGE01\\%s' % name, 'Enabled': True, 'TransportRole': 'FrontendTransport', 'Bindings': ['0.0.0.0:25'], 'RemoteIPRanges': ranges,
                'AuthMechanism': auth, 'PermissionGroups': groups, 'RequireTLS': require_tls, 'DomainSecureEnabled': True, 'TlsDomainCapabilities': [],
                'ProtocolLoggingLevel': 'Verbose', 'MaxMessageSize': 25 * MB, 'MaxHopCount': 60, 'ConnectionTimeout': 300, 'MaxRecipientsPerMessage': 200,
                'Banner': '220 smtp.contoso.com ready', 'TarpitInterval': 5}
    sc = org_contoso({n: {'ReceiveConnector': ok()} for n in ('MBX01', 'MBX03', 'MBX04')})['SendConnector']['rows'][1:]
    contoso = org_contoso({n: {'ReceiveConnector': ok()} for n in ('MBX01', 'MBX03', 'MBX04')})
    return {
        'ExchangeServer': ok({'Name': 'EDGE01', 'Fqdn': 'edge01.perimeter.contoso.com', 'ServerRole': ['Edge'], 'AdminDisplayVersion': 'Version 15.2 (Build 2562.37)',
                              'Edition': 'Enterprise', 'IsExchangeServerSubscriptionEdition': True, 'Site': None, 'ErrorReportingEnabled': False}),
        'ExchangeCertificate': ok({'Thumbprint': '0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D', 'Subject': 'CN=smtp.contoso.com', 'NotAfter': '2027-05-20T23:59:59.0000000Z', 'Services': ['SMTP'], 'IsSelfSigned': False},
                                  {'Thumbprint': '1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E', 'Subject': 'CN=EDGE01', 'NotAfter': '2031-02-10T09:10:00.0000000Z', 'Services': ['SMTP'], 'IsSelfSigned': True}),
        'TransportService': ok({'ConnectivityLogEnabled': True, 'MessageTrackingLogEnabled': True, 'MessageTrackingLogSubjectLoggingEnabled': False, 'MaxOutboundConnections': 1000,
                                'MaxPerDomainOutboundConnections': 20, 'MessageRetryInterval': 300, 'PickupDirectoryPath': None, 'InternalTransportCertificateThumbprint': '1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E'}),
        'ReceiveConnector': ok(rc('Internet EDGE01', ['0.0.0.0-255.255.255.255'], ['Tls'], ['AnonymousUsers', 'Partners'], False),
                               rc('From Contoso Mailbox servers', ['10.0.1.11', '10.0.1.13', '10.0.1.14'], ['Tls', 'ExchangeServer'], ['ExchangeServers', 'Partners'], True)),
        'SendConnector': ok(*sc),
        'TransportAgent': ok(*[{'Identity': a, 'Enabled': True, 'Priority': i + 1} for i, a in enumerate(
            ['Connection Filtering Agent', 'Address Rewriting Inbound Agent', 'Edge Rule Agent', 'Content Filter Agent', 'Sender Id Agent', 'Sender Filter Agent',
             'Recipient Filter Agent', 'Protocol Analysis Agent', 'Attachment Filtering Agent', 'Address Rewriting Outbound Agent'])]),
        'ContentFilterConfig': contoso['ContentFilterConfig'], 'SenderFilterConfig': contoso['SenderFilterConfig'], 'SenderIdConfig': contoso['SenderIdConfig'],
        'SenderReputationConfig': contoso['SenderReputationConfig'], 'RecipientFilterConfig': contoso['RecipientFilterConfig'],
        'EdgeSubscription': ok({'Name': 'EDGE01', 'Domain': 'contoso.com', 'Site': 'contoso.com/Configuration/Sites/HQ', 'CreateUtc': '2026-02-10T09:14:00.0000000Z', 'LifeTime': None}),
        'EventLogLevel': ok(*[{'Identity': 'EDGE01\\%s' % c, 'EventLevel': 'Lowest'} for c in ('MSExchangeTransport\\SmtpReceive', 'MSExchangeTransport\\SmtpSend', 'MSExchangeTransport\\Categorizer')]),
    }


def write(name, data):
    with open(os.path.join(HERE, name), 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')


def main():
    os.makedirs(HERE, exist_ok=True)
    copies = ['MBX01', 'MBX03', 'MBX04']
    servers = {
        'MBX01': mailbox_server('MBX01', 'contoso.com/Configuration/Sites/HQ', True,
                                [db('DB01', 'MBX01', copies, 'D:\\DB01\\DB01.edb', 'E:\\DB01', True), db('DB02', 'MBX03', copies, 'D:\\DB02\\DB02.edb', 'E:\\DB02', True)],
                                asa='CONTOSO\\EXCH-ASA$', dag=True, hybrid=True),
        'MBX03': mailbox_server('MBX03', 'contoso.com/Configuration/Sites/HQ', True,
                                [db('DB01', 'MBX01', copies, 'D:\\DB01\\DB01.edb', 'E:\\DB01', True), db('DB02', 'MBX03', copies, 'D:\\DB02\\DB02.edb', 'E:\\DB02', True)],
                                asa='CONTOSO\\EXCH-ASA$', dag=True, hybrid=True),
        'MBX04': mailbox_server('MBX04', 'contoso.com/Configuration/Sites/DR', True,
                                [db('DB01', 'MBX01', copies, 'D:\\DB01\\DB01.edb', 'E:\\DB01', True), db('DB02', 'MBX03', copies, 'D:\\DB02\\DB02.edb', 'E:\\DB02', True)],
                                asa='CONTOSO\\EXCH-ASA-DR$', dag=True),
        'MBX02': mailbox_server('MBX02', 'fabrikam.com/Configuration/Sites/Default-First-Site-Name', False,
                                [db('Mailbox Database 0471726312', 'MBX02', ['MBX02'],
                                    INSTALL + '\\Mailbox\\Mailbox Database 0471726312\\Mailbox Database 0471726312.edb',
                                    INSTALL + '\\Mailbox\\Mailbox Database 0471726312', False)], line_se=False),
    }
    # MBX04 (DR site) keeps the defaults on one connector setting, so that a per-server difference is visible.
    servers['MBX04']['ReceiveConnector']['rows'][2]['MaxMessageSize'] = 36 * MB
    write('org-contoso.json', org_contoso(servers))
    write('org-fabrikam.json', org_fabrikam(servers['MBX02']))
    for name, facts in servers.items():
        write(name.lower() + '.json', {'computerName': name, 'organization': 'Fabrikam' if name == 'MBX02' else 'Contoso', 'stage': {'state': 'ok', 'snapIn': 'Microsoft.Exchange.Management.PowerShell.SnapIn', 'loadSeconds': 4.2}, 'cmdlets': facts})
    write('edge01.json', {'computerName': 'EDGE01', 'organization': 'Contoso (Edge, not an organisation-facts source)', 'stage': {'state': 'ok', 'snapIn': 'Microsoft.Exchange.Management.PowerShell.SnapIn', 'loadSeconds': 2.8}, 'cmdlets': edge01()})
    write('faults.json', {
        'snapInAbsent': {'host': 'any', 'stage': {'state': 'notInstalled', 'message': 'no Exchange management snap-in registered'}},
        'snapInLoadFailure': {'host': 'any', 'stage': {'state': 'loadFailed', 'message': "The type initializer for 'Microsoft.Exchange.Data.Directory.Globals' threw an exception."}},
        'slowLoad': {'host': 'any', 'stage': {'loadSeconds': 20}, 'note': 'the simulator sleeps 20 s before answering the stage; counts against the stage budget'},
        'noNetworkCredential': {'host': 'any Mailbox server', 'stage': {'state': 'noNetworkCredential', 'message': '0x80072020'}, 'note': 'what a key-authenticated logon gets; Edge is not affected'},
        'rbacDenied': {'host': 'any', 'cmdlets': {'AdminAuditLogConfig': {'error': {'class': 'denied', 'message': "The term 'Get-AdminAuditLogConfig' is not recognized or access is denied."}}},
                       'note': 'one cmdlet denied, the rest answered (the endpoint route would hide it; the snap-in route gives an AD access error)'},
    })


if __name__ == '__main__':
    main()
