"""The real `check` of each Exchange control that ships, in the check language of README.md ("The check language")
with the `exchange` / `exchangeCountOf` leaves of the Exchange stage. Read by make_shipped.py.

Conventions: `where` lists conditions that all must hold for a row to count; a row without the property does not
match. `whenNoneFound` is the verdict when no row is left (default Unknown)."""

SHARED_APP = '00000002-0000-0ff1-ce00-000000000000'
MB25 = 26214400
PIB = 1125899906842624  # 1 PiB: any size a quota can hold; "Unlimited" is above it
SETUP = 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup'


def W(prop, **comparison):
    """One `where` condition."""
    assert len(comparison) == 1
    return dict(property=prop, **comparison)


EN = W('Enabled', equals=True)


def ex(key, prop, rule, where=None, require='all', none=None, gate=None, absent=None):
    node = {}
    if gate:
        node['applicableIf'] = gate
    node.update({'exchange': key, 'property': prop})
    if where:
        node['where'] = where
    node['require'] = require
    node.update(rule)
    if none:
        node['whenNoneFound'] = none
    if absent:
        node['whenAbsent'] = absent
    return node


def count(key, rule, where=None, gate=None):
    node = {}
    if gate:
        node['applicableIf'] = gate
    node['exchangeCountOf'] = key
    if where:
        node['where'] = where
    node.update(rule)
    return node


def cases(*items, otherwise):
    return {'cases': [dict(c) for c in items], 'otherwise': otherwise}


def case(status, note=None, **comparison):
    c = dict(comparison)
    c['status'] = status
    if note:
        c['note'] = note
    return c


def no_row(key, where, note):
    """A count leaf: Pass when no row matches (a row without the property does not match), else Fail."""
    return count(key, cases(case('Pass', note, equals=0), otherwise='Fail'), where)


def at_least_one(key, where=None, otherwise='Fail', note=None):
    """A count leaf: Pass when a row matches, else `otherwise`."""
    return count(key, cases(case('Pass', note, atLeast=1), otherwise=otherwise), where)


def group(kind, members, **extra):
    node = {}
    if 'gate' in extra:
        node['applicableIf'] = extra.pop('gate')
    node[kind] = members
    node.update(extra)
    return node


def reg(value, **rule):
    return dict(key=SETUP, value=value, **rule)


CHECKS = {}
DEPARTURES = {}

# --- Get-OrganizationConfig --------------------------------------------------------------------------------------
# An unset CustomerFeedbackEnabled (a fresh organisation) sends nothing: only true fails.
CHECKS['EDCA-GOV-009'] = ex('OrganizationConfig', 'CustomerFeedbackEnabled', {'equals': False}, absent='Pass')
CHECKS['EDCA-IAC-008'] = ex('OrganizationConfig', 'AdSplitPermissionEnabled', {'equals': True})
CHECKS['EDCA-SEC-001'] = group('all', [
    ex('OrganizationConfig', 'MapiHttpEnabled', {'equals': True}),
    at_least_one('MapiVirtualDirectory', note='this server has a MAPI virtual directory'),
])
IAC009_PROTOCOLS = ['ActiveSync', 'Autodiscover', 'Imap', 'Mapi', 'OfflineAddressBook', 'OutlookService', 'Pop',
                    'Powershell', 'ReportingWebServices', 'Rest', 'Rpc', 'Smtp', 'WebServices']
CHECKS['EDCA-IAC-009'] = group('all', [
    ex('OrganizationConfig', 'DefaultAuthenticationPolicy',
       cases(case('Fail', 'no default policy: Basic authentication is allowed everywhere', equals=''),
             otherwise='Pass'), absent='Fail'),
    at_least_one('AuthenticationPolicy', otherwise='Unknown', note='authentication policies exist'),
] + [ex('AuthenticationPolicy', 'AllowBasicAuth' + p,
        cases(case('Pass', equals=False), otherwise='Unknown'), none='Pass') for p in IAC009_PROTOCOLS],
    gate=ex('OrganizationConfig', 'OAuth2ClientProfileEnabled',
            cases(case('Pass', 'modern authentication is on', equals=True),
                  otherwise='Unknown')))
DEPARTURES['EDCA-IAC-009'] = (
    'The check cannot single out the policy that DefaultAuthenticationPolicy names, so it reads every '
    'authentication policy: it passes when a default policy is set and no policy allows Basic authentication, fails '
    'when no default policy is set, and is Unknown when some policy still allows Basic authentication (that policy '
    'may or may not be the default; upstream gives Unknown there too). Upstream\'s thirteen protocols are judged; '
    'PowerShell is among them.')

# --- Get-MobileDeviceMailboxPolicy -------------------------------------------------------------------------------
MDM = 'MobileDeviceMailboxPolicy'
DEF = [W('IsDefault', equals=True)]
HAS_DEFAULT = count(MDM, cases(case('Pass', 'a default policy exists', atLeast=1), otherwise='Unknown'), DEF)
PW = ex(MDM, 'PasswordEnabled', cases(case('Pass', equals=True),
                                      otherwise='Fail'), where=DEF)
PW['cases'][0]['note'] = 'a device password is required'
PW['otherwise'] = 'Fail'


def mdm(prop, rule, password=True, none=None):
    leaf = ex(MDM, prop, rule, where=DEF, none=none)
    members = ([PW] if password else []) + [leaf]
    return group('all', members, gate=HAS_DEFAULT)


CHECKS['EDCA-IAC-014'] = mdm('AllowSimplePassword', {'equals': False})
CHECKS['EDCA-IAC-015'] = group('all', [ex(MDM, 'AllowNonProvisionableDevices', {'equals': False}, where=DEF,
                                         absent='Pass')], gate=HAS_DEFAULT)
# An unset history or minimum length means none: it fails.
CHECKS['EDCA-IAC-016'] = group('all', [PW, ex(MDM, 'PasswordHistory', {'atLeast': 4}, where=DEF, absent='Fail')],
                               gate=HAS_DEFAULT)
CHECKS['EDCA-IAC-017'] = group('all', [PW, ex(MDM, 'MinPasswordLength', {'atLeast': 4}, where=DEF, absent='Fail')],
                               gate=HAS_DEFAULT)
CHECKS['EDCA-IAC-018'] = mdm('MaxPasswordFailedAttempts', {'atMost': 10})
CHECKS['EDCA-IAC-019'] = mdm('PasswordExpiration', {'atMost': 365 * 86400})
CHECKS['EDCA-IAC-020'] = mdm('DevicePolicyRefreshInterval', {'atMost': 86400}, password=False)
CHECKS['EDCA-IAC-021'] = mdm('AlphanumericPasswordRequired', {'equals': True})
CHECKS['EDCA-IAC-022'] = mdm('RequireDeviceEncryption', {'equals': True}, password=False)
CHECKS['EDCA-IAC-023'] = mdm('PasswordEnabled', {'equals': True}, password=False)
CHECKS['EDCA-IAC-024'] = mdm('MaxInactivityTimeLock', {'atMost': 900})
for _id in ['EDCA-IAC-%03d' % n for n in range(14, 25)]:
    DEPARTURES[_id] = ('With no policy marked IsDefault the result is Unknown (upstream falls back to the first '
                       'policy by name).')
DEPARTURES['EDCA-IAC-015'] += ' An unset value counts as false (non-provisionable devices refused), as upstream.'

# --- Get-TransportService, Get-TransportConfig -------------------------------------------------------------------
TS = 'TransportService'
CHECKS['EDCA-MON-004'] = ex(TS, 'ConnectivityLogEnabled', {'equals': True})
CHECKS['EDCA-MON-005'] = ex(TS, 'MessageTrackingLogEnabled', {'equals': True})
CHECKS['EDCA-MON-006'] = ex(TS, 'MessageTrackingLogSubjectLoggingEnabled', {'equals': False})
CHECKS['EDCA-SEC-033'] = ex(TS, 'PickupDirectoryPath', {'equals': ''}, absent='Pass')
CHECKS['EDCA-TLS-002'] = group('all', [
    ex(TS, 'MaxPerDomainOutboundConnections',
       cases(case('Pass', atLeast=40), otherwise='Unknown')),
    ex(TS, 'MessageRetryInterval', cases(case('Pass', atMost=300), otherwise='Unknown')),
])
CHECKS['EDCA-TLS-002']['all'][0]['otherwise'] = 'Unknown'
CHECKS['EDCA-TLS-016'] = ex(TS, 'MaxOutboundConnections', {'atMost': 1000})
CHECKS['EDCA-TLS-017'] = ex(TS, 'MaxPerDomainOutboundConnections', {'atMost': 20})
CHECKS['EDCA-TLS-008'] = ex('TransportConfig', 'MaxSendSize', {'atMost': MB25})
CHECKS['EDCA-TLS-009'] = ex('TransportConfig', 'MaxReceiveSize', {'atMost': MB25})
CHECKS['EDCA-TLS-019'] = ex('TransportConfig', 'MaxRecipientEnvelopeLimit', {'atMost': 5000})

# --- Get-ReceiveConnector (this server) --------------------------------------------------------------------------
RC = 'ReceiveConnector'
ANON = W('PermissionGroups', contains='AnonymousUsers')
HAS_ENABLED_RC = count(RC, cases(case('Pass', 'an enabled receive connector exists', atLeast=1),
                                 otherwise='Unknown'), [EN])
CHECKS['EDCA-MON-007'] = ex(RC, 'ProtocolLoggingLevel', {'equals': 'Verbose'}, where=[EN])
CHECKS['EDCA-TLS-013'] = ex(RC, 'MaxMessageSize', {'atMost': MB25}, where=[EN])
CHECKS['EDCA-TLS-015'] = ex(RC, 'MaxHopCount', {'atMost': 60}, where=[EN])
CHECKS['EDCA-TLS-020'] = ex(RC, 'ConnectionTimeout', {'atMost': 300}, where=[EN])
CHECKS['EDCA-TLS-021'] = ex(RC, 'RequireTLS', {'equals': True}, where=[EN, W('TransportRole', equals='HubTransport')])
CHECKS['EDCA-TLS-022'] = ex(RC, 'MaxRecipientsPerMessage', {'between': [1, 2147483647]}, where=[EN], absent='Fail')


def internal_pattern(group_name):
    return ex(RC, 'PermissionGroups', cases(case('Fail', contains='AnonymousUsers'), otherwise='Pass'),
              where=[EN, W('PermissionGroups', contains=group_name)], require='any', none='Fail')


CHECKS['EDCA-TLS-001'] = group('all', [
    at_least_one(RC, [EN, ANON, W('AuthMechanism', contains='Tls')],
                 note='an anonymous connector that offers TLS'),
    group('any', [internal_pattern('ExchangeServers'), internal_pattern('ExchangeUsers')],
          gate={'role': 'Mailbox'}),
], gate=HAS_ENABLED_RC)
CHECKS['EDCA-TLS-041'] = group('all', [
    # An empty banner gives Exchange's default greeting, which names Microsoft ESMTP but no version.
    ex(RC, 'Banner', cases(case('Fail', 'the banner names Exchange or its build',
                                matches='(?i)exchange|15\\.\\d{1,3}\\.\\d'), otherwise='Pass'),
       where=[EN, ANON], none='Skipped', absent='Pass'),
], gate=HAS_ENABLED_RC)

# --- Edge receive connectors --------------------------------------------------------------------------------------
INTERNET = [[EN, W('Bindings', contains='0.0.0.0:25')], [EN, W('Bindings', contains='[::]:25')]]
INTERNAL = [EN, W('AuthMechanism', contains='ExchangeServer')]


def per_internet(leaves):
    """Leaves applied to the connectors bound to port 25 on all IPv4 and on all IPv6 addresses; Unknown when
    there is neither."""
    members = [leaf(where) for where in INTERNET for leaf in leaves]
    return group('all', members, whenNoneApplies='Unknown')


CHECKS['EDCA-TLS-037'] = per_internet([lambda w: ex(RC, 'DomainSecureEnabled', {'equals': True}, where=w, none='Skipped')])
CHECKS['EDCA-TLS-038'] = per_internet([
    lambda w: ex(RC, 'AuthMechanism', {'contains': 'Tls'}, where=w, none='Skipped'),
    lambda w: ex(RC, 'AuthMechanism', cases(case('Pass', contains='BasicAuthRequireTLS'),
                                            case('Fail', 'Basic authentication without TLS', contains='BasicAuth'),
                                            otherwise='Pass'), where=w, none='Skipped'),
])
CHECKS['EDCA-TLS-039'] = ex(RC, 'RequireTLS', {'equals': True}, where=INTERNAL)
CHECKS['EDCA-TLS-040'] = ex(RC, 'PermissionGroups', cases(case('Fail', 'anonymous senders admitted', contains='AnonymousUsers'),
                                                          otherwise='Pass'), where=INTERNAL)
CHECKS['EDCA-TLS-048'] = ex(RC, 'TarpitInterval', {'atLeast': 5}, where=[EN])

# --- Get-SendConnector --------------------------------------------------------------------------------------------
SC = 'SendConnector'
EXTERNAL = [EN, W('AddressSpaces', startsWith='smtp:*;')]
CHECKS['EDCA-MON-008'] = ex(SC, 'ProtocolLoggingLevel', {'equals': 'Verbose'}, where=[EN])
CHECKS['EDCA-TLS-012'] = ex(SC, 'MaxMessageSize', {'atMost': MB25}, where=[EN])
CHECKS['EDCA-TLS-018'] = ex(SC, 'ConnectionInactivityTimeOut', {'atMost': 600}, where=[EN])
CHECKS['EDCA-TLS-010'] = ex(SC, 'DNSRoutingEnabled', {'equals': True}, where=EXTERNAL, none='Skipped')
CHECKS['EDCA-TLS-011'] = ex(SC, 'IgnoreStartTLS', {'equals': False}, where=EXTERNAL, none='Skipped')
CHECKS['EDCA-TLS-014'] = ex(SC, 'DomainSecureEnabled', {'equals': True}, where=EXTERNAL, none='Skipped')
for _id in ('EDCA-TLS-010', 'EDCA-TLS-011', 'EDCA-TLS-014'):
    DEPARTURES[_id] = ('An organisation without an enabled send connector for all domains (address space *) is '
                       'Skipped.')
CHECKS['EDCA-TLS-034'] = ex(SC, 'RequireTLS', {'equals': True}, where=[EN])
CHECKS['EDCA-TLS-035'] = ex(SC, 'ProtocolLoggingLevel', {'equals': 'Verbose'}, where=[EN])
CHECKS['EDCA-TLS-043'] = ex(SC, 'DomainSecureEnabled', {'equals': True}, where=[EN])
CHECKS['EDCA-TLS-042'] = ex(SC, 'DNSRoutingEnabled', {'equals': False}, where=EXTERNAL)

# Hybrid: an enabled send connector that sends to Exchange Online (cloud mail flag, or a smart host of EOP).
HYBRID_SELECTORS = [[EN, W('CloudServicesMailEnabled', equals=True)],
                    [EN, W('SmartHosts', containsText='mail.protection.outlook.com')]]
HYBRID = group('any', [count(SC, cases(case('Pass', 'hybrid mail flow to Exchange Online', atLeast=1),
                                       otherwise='Fail'), where) for where in HYBRID_SELECTORS])


def hybrid_connector_rules(where):
    gate = count(SC, cases(case('Pass', atLeast=1), otherwise='Fail'), where)
    # Every hybrid connector must meet each rule; an unset value fails.
    return group('all', [
        ex(SC, 'RequireTLS', {'equals': True}, where=where, absent='Fail'),
        ex(SC, 'TlsAuthLevel', {'equals': 'DomainValidation'}, where=where, absent='Fail'),
        ex(SC, 'TlsDomain', {'matches': '(?i)^(\\*\\.)?mail\\.protection\\.outlook\\.com\\.?$'}, where=where,
           absent='Fail'),
        ex(SC, 'TlsCertificateName', {'matches': '^<I>.+<S>.'}, where=where, absent='Fail'),
    ], gate=gate)


CHECKS['EDCA-TLS-003'] = group('all', [hybrid_connector_rules(w) for w in HYBRID_SELECTORS])
RCA = 'ReceiveConnector.All'
EXO_RC = [[EN, W('TransportRole', equals='FrontendTransport'),
           W('TlsDomainCapabilities', containsText='mail.protection.outlook.com:' + cap)]
          for cap in ('AcceptCloudServicesMail', 'AcceptOorgProtocol')]
CHECKS['EDCA-TLS-029'] = group('all', [
    group('any', [at_least_one(RCA, w, note='a front-end connector recognises Exchange Online') for w in EXO_RC]),
] + [ex(RCA, 'AuthMechanism', {'contains': 'Tls'}, where=w, none='Pass') for w in EXO_RC], gate=HYBRID)
CHECKS['EDCA-GOV-004'] = group('all', [
    at_least_one('AuthServer', [EN, W('Type', oneOf=['AzureAD', 'MicrosoftACS'])],
                 note='an authorization server for Exchange Online'),
    at_least_one('PartnerApplication', [EN, W('ApplicationIdentifier', equalsIgnoringCase=SHARED_APP)],
                 note='the Exchange Online partner application'),
], gate=HYBRID)
GUID = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
EVO = [EN, W('Type', equals='AzureAD')]
CHECKS['EDCA-IAC-011'] = group('all', [
    at_least_one('SettingOverride', [W('ComponentName', equalsIgnoringCase='Global'),
                                     W('SectionName', equalsIgnoringCase='ExchangeOnpremAsThirdPartyAppId')],
                 note='the dedicated hybrid application is switched on'),
    count('AuthServer', cases(case('Pass', 'no authorization server uses the shared application', equals=0),
                              otherwise='Fail'),
          EVO + [W('ApplicationIdentifier', equalsIgnoringCase=SHARED_APP)]),
    ex('AuthServer', 'ApplicationIdentifier',
       cases(case('Fail', equalsIgnoringCase=SHARED_APP), case('Pass', 'a dedicated application', matches=GUID),
             otherwise='Fail'), where=EVO, require='any', none='Fail'),
], gate=HYBRID)
for _id in ('EDCA-TLS-003', 'EDCA-TLS-029', 'EDCA-GOV-004', 'EDCA-IAC-011'):
    DEPARTURES[_id] = ('Hybrid means an enabled send connector with CloudServicesMailEnabled or a smart host in '
                       'mail.protection.outlook.com.')

# --- Get-RemoteDomain ---------------------------------------------------------------------------------------------
RD = 'RemoteDomain'
CHECKS['EDCA-TLS-004'] = ex(RD, 'AutoForwardEnabled', {'equals': False})
CHECKS['EDCA-TLS-005'] = ex(RD, 'AutoReplyEnabled', {'equals': False})
CHECKS['EDCA-TLS-006'] = ex(RD, 'NDREnabled', {'equals': False})
CHECKS['EDCA-TLS-007'] = ex(RD, 'AllowedOOFType', {'equals': 'None'})

# --- Get-MailboxDatabase ------------------------------------------------------------------------------------------
DBK = 'MailboxDatabase'
NR = [W('Recovery', equals=False)]
CHECKS['EDCA-GOV-005'] = ex(DBK, 'IssueWarningQuota', cases(case('Pass', 'a size, not Unlimited', atMost=PIB),
                                                            otherwise='Fail'), where=NR, none='Skipped')
CHECKS['EDCA-GOV-006'] = ex(DBK, 'ProhibitSendReceiveQuota', cases(case('Pass', 'a size, not Unlimited', atMost=PIB),
                                                                   otherwise='Fail'), where=NR, none='Skipped')
CHECKS['EDCA-GOV-007'] = ex(DBK, 'ProhibitSendQuota', cases(case('Pass', 'a size, not Unlimited', atMost=PIB),
                                                            otherwise='Fail'), where=NR, none='Skipped')
CHECKS['EDCA-RES-004'] = ex(DBK, 'DeletedItemRetention', {'atLeast': 14 * 86400}, where=NR, none='Skipped')
CHECKS['EDCA-RES-005'] = ex(DBK, 'MailboxRetention', {'atLeast': 30 * 86400}, where=NR, none='Skipped')
CHECKS['EDCA-RES-006'] = ex(DBK, 'RetainDeletedItemsUntilBackup', {'equals': True}, where=NR, none='Skipped')
CHECKS['EDCA-RES-007'] = ex(DBK, 'CircularLoggingEnabled', {'equals': False}, where=NR, none='Skipped')
CHECKS['EDCA-RES-009'] = ex(DBK, 'MountAtStartup', {'equals': True}, where=NR, none='Skipped')
for _id in ('EDCA-GOV-005', 'EDCA-GOV-006', 'EDCA-GOV-007', 'EDCA-RES-004', 'EDCA-RES-005', 'EDCA-RES-006',
            'EDCA-RES-007', 'EDCA-RES-009'):
    DEPARTURES[_id] = 'Recovery databases are not judged; a server with no other database is Skipped.'

# --- Get-Mailbox (organisation-wide) -------------------------------------------------------------------------------
CHECKS['EDCA-GOV-001'] = ex('Mailbox', 'AccountDisabled', {'equals': True},
                            where=[W('RecipientTypeDetails', oneOf=['SharedMailbox', 'RoomMailbox', 'EquipmentMailbox'])],
                            none='Pass')
CHECKS['EDCA-RES-011'] = ex('Mailbox', 'SingleItemRecoveryEnabled', {'equals': True},
                            where=[W('RecipientTypeDetails', equals='UserMailbox')], none='Pass')

# --- Virtual directories --------------------------------------------------------------------------------------------
FRONT_END = [W('Identity', containsText='(Default Web Site)')]
CHECKS['EDCA-DATA-014'] = ex('OwaVirtualDirectory', 'SMimeEnabled', {'equals': True}, where=FRONT_END)
WIA = cases(case('Pass', contains='Ntlm'), case('Pass', contains='Negotiate'),
            case('Pass', contains='WindowsIntegrated'), otherwise='Unknown')
CHECKS['EDCA-IAC-012'] = group('all', [
    ex('MapiVirtualDirectory', 'IISAuthenticationMethods', WIA, none='Skipped'),
] + [ex(k, 'InternalAuthenticationMethods', WIA, none='Skipped')
     for k in ('OwaVirtualDirectory', 'EcpVirtualDirectory', 'WebServicesVirtualDirectory',
               'AutodiscoverVirtualDirectory')], whenNoneApplies='Unknown')
CHECKS['EDCA-IAC-013'] = group('all', [
    ex('OwaVirtualDirectory', 'FormsAuthentication', {'equals': False}, where=FRONT_END,
       gate=reg('MsiProductMinor', equals=1)),
    ex('OwaVirtualDirectory', 'FormsAuthentication', {'equals': True}, where=FRONT_END,
       gate=reg('MsiProductMinor', equals=2)),
], whenNoneApplies='Unknown')
CHECKS['EDCA-IAC-004'] = group('all', [
    ex('OrganizationConfig', 'OAuth2ClientProfileEnabled', {'equals': True}),
    at_least_one('AuthServer', [EN, W('IsDefaultAuthorizationEndpoint', equals=True),
                                W('Type', oneOf=['AzureAD', 'ADFS'])],
                 note='a default authorization endpoint (Entra ID or AD FS)'),
    ex('MapiVirtualDirectory.All', 'IISAuthenticationMethods', {'contains': 'OAuth'}, none='Pass'),
    ex('WebServicesVirtualDirectory.All', 'OAuthAuthentication', {'equals': True}, none='Pass', absent='Pass'),
    ex('AutodiscoverVirtualDirectory.All', 'OAuthAuthentication', {'equals': True}, none='Pass', absent='Pass'),
])

# --- Edge-only configuration ---------------------------------------------------------------------------------------
CHECKS['EDCA-TLS-030'] = at_least_one('EdgeSubscription', note='an Edge subscription')
CHECKS['EDCA-TLS-031'] = group('all', [
    ex('ContentFilterConfig', 'Enabled', {'equals': True}),
    ex('RecipientFilterConfig', 'Enabled', {'equals': True}),
    ex('SenderFilterConfig', 'Enabled', {'equals': True}),
    ex('TransportAgent', 'Enabled', {'equals': True},
       where=[W('Identity', equalsIgnoringCase='Connection Filtering Agent')], none='Fail'),
])
CHECKS['EDCA-TLS-032'] = ex('RecipientFilterConfig', 'RecipientValidationEnabled', {'equals': True})
CHECKS['EDCA-TLS-033'] = ex('SenderFilterConfig', 'BlankSenderBlockingEnabled', {'equals': True})
CHECKS['EDCA-TLS-045'] = ex('SenderReputationConfig', 'Enabled', {'equals': True})
CHECKS['EDCA-TLS-046'] = ex('ContentFilterConfig', 'Enabled', {'equals': True})
CHECKS['EDCA-TLS-044'] = group('all', [
    ex('SenderFilterConfig', 'Enabled', {'equals': True}),
    group('any', [ex('SenderFilterConfig', p, cases(case('Pass', emptyList=False), otherwise='Unknown'))
                  for p in ('BlockedDomains', 'BlockedDomainsAndSubdomains')]),
])
CHECKS['EDCA-TLS-047'] = group('all', [
    ex('SenderIdConfig', 'Enabled', {'equals': True}),
    ex('SenderIdConfig', 'SpoofedDomainAction', {'equals': 'Reject'}),
])

# --- Setting overrides --------------------------------------------------------------------------------------------
SO = 'SettingOverride'
SIGNING = [W('ComponentName', equalsIgnoringCase='Data'), W('SectionName', equalsIgnoringCase='EnableSerializationDataSigning')]
CHECKS['EDCA-DATA-004'] = group('all', [
    ex(SO, 'Parameters', cases(case('Fail', 'an override switches signing off', contains='Enabled=false'),
                               otherwise='Pass'), where=SIGNING, none='Pass'),
    group('any', [
        count(SO, cases(case('Pass', 'an organisation-wide override switches signing on', atLeast=1), otherwise='Fail'),
              SIGNING + [W('Parameters', contains='Enabled=true'), W('Server', emptyList=True)]),
        {'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics', 'value': 'EnableSerializationDataSigning',
         'equals': 1, 'whenAbsent': 'Fail'},
        {'key': SETUP, 'value': 'OwaVersion', 'orVersionFrom': ['MsiProductMajor', 'MsiProductMinor', 'MsiBuildMajor',
                                                                'MsiBuildMinor'],
         'cases': [{'versionAtLeast': '15.2.1544.4', 'status': 'Unknown',
                    'note': 'signing is on by default from Exchange 2019 CU14; no override confirms it'}],
         'otherwise': 'Fail'},
    ]),
])
# Sentences of the drafted considerations that the shipped check makes untrue, and their replacement.
EDITS = {
    'EDCA-DATA-004': ('The build from which signing is on by default (inferred: Exchange 2019 CU14 and SE) is not encoded '
                      'yet: on such builds "no override, no registry value" is reported Unknown, not Fail, until the '
                      'catalog says where the default changed.',
                      'From Exchange 2019 CU14 (15.2.1544.4, also SE) signing is on by default (inferred): there "no '
                      'override, no registry value" is reported Unknown, not Fail, since no fact confirms it.'),
    'EDCA-MON-001': ('(90 days by default; shown in the evidence)', '(90 days by default; not judged here)'),
}
DEPARTURES['EDCA-DATA-004'] = (
    'Overrides are read for the whole organisation: one that switches signing off fails every server, even when it '
    'is limited to other servers, and only an organisation-wide override (no Server) counts as switching it on.')
CHECKS['EDCA-DATA-016'] = group('all', [
    at_least_one(SO, [W('ComponentName', equalsIgnoringCase='Encryption'),
                      W('SectionName', equalsIgnoringCase='EnableEncryptionAlgorithmCBC'),
                      W('Parameters', contains='Enabled=true'), W('Server', emptyList=True)],
                 note='an organisation-wide override switches AES256-CBC on'),
], gate=group('any', [ex('IRMConfiguration', p, {'equals': True}, none='Fail')
                      for p in ('InternalLicensingEnabled', 'ExternalLicensingEnabled', 'AzureRMSLicensingEnabled')]))
KNOWN_SECTIONS = ['EnableSerializationDataSigning', 'EnableEncryptionAlgorithmCBC',
                  'OAuthIdentityCacheFixForDownloadDomains', 'ExchangeOnpremAsThirdPartyAppId']
CHECKS['EDCA-SEC-006'] = group('all', [
    ex(SO, 'SectionName', cases(case('Pass', 'a setting override the other controls recommend', oneOf=KNOWN_SECTIONS),
                                otherwise='Unknown'), none='Pass'),
    ex(SO, 'Parameters', cases(case('Unknown', 'an override that switches a feature off', contains='Enabled=false'),
                               otherwise='Pass'), none='Pass'),
])
DEPARTURES['EDCA-SEC-006'] = ('Overrides are read for the whole organisation, including those limited to other '
                              'servers; an override is recognised by its section name.')
CHECKS['EDCA-SEC-032'] = group('all', [
    ex(SO, 'Name', cases(case('Fail', 'P2 FROM detection switched off', matches='(?i)DisableP2FromRegexMatch'),
                         otherwise='Pass'), none='Pass'),
    ex(SO, 'Parameters', cases(case('Fail', 'non-compliant senders accepted', containsText='=false'),
                               otherwise='Pass'),
       where=[W('SectionName', equalsIgnoringCase='NonCompliantSenders')], none='Pass'),
])

# --- Other per-server and organisation cmdlets --------------------------------------------------------------------
CHECKS['EDCA-MON-001'] = group('all', [
    ex('AdminAuditLogConfig', 'AdminAuditLogEnabled', {'equals': True}),
    ex('AdminAuditLogConfig', 'AdminAuditLogCmdlets', cases(case('Pass', 'every cmdlet is audited', contains='*'),
                                                            otherwise='Fail')),
])
CHECKS['EDCA-MON-012'] = ex('EventLogLevel', 'EventLevel', {'equals': 'Lowest'})
AGENTS = [('Content Filter Agent', 'ContentFilterConfig'), ('Sender Filter Agent', 'SenderFilterConfig'),
          ('Sender Id Agent', 'SenderIdConfig'), ('Protocol Analysis Agent', 'SenderReputationConfig')]
CHECKS['EDCA-SEC-034'] = group('all', [
    ex('TransportAgent', 'Enabled', {'equals': True}, where=[W('Identity', equalsIgnoringCase=agent)], none='Fail')
    for agent, _ in AGENTS] + [ex(config, 'Enabled', {'equals': True}) for _, config in AGENTS])
CHECKS['EDCA-SEC-039'] = ex('TransportAgent', 'Enabled', {'equals': True},
                            where=[W('Identity', equalsIgnoringCase='Malware Agent')])
# Unset ErrorReportingEnabled sends nothing: only true fails.
CHECKS['EDCA-GOV-008'] = ex('ExchangeServer', 'ErrorReportingEnabled', {'equals': False}, absent='Pass')
CHECKS['EDCA-DATA-015'] = ex('RpcClientAccess', 'EncryptionRequired', {'equals': True})

# --- Local facts only (no cmdlet) ---------------------------------------------------------------------------------
RES001_SERVICES = {
    'Mailbox': ['HostControllerService', 'MSExchangeADTopology', 'MSExchangeAntispamUpdate', 'MSExchangeDagMgmt',
                'MSExchangeDelivery', 'MSExchangeDiagnostics', 'MSExchangeEdgeSync', 'MSExchangeFastSearch',
                'MSExchangeFrontEndTransport', 'MSExchangeHM', 'MSExchangeIS', 'MSExchangeMailboxAssistants',
                'MSExchangeMailboxReplication', 'MSExchangeRepl', 'MSExchangeRPC', 'MSExchangeServiceHost',
                'MSExchangeSubmission', 'MSExchangeThrottling', 'MSExchangeTransport', 'MSExchangeTransportLogSearch',
                'W3Svc', 'WinRM'],
    'Edge': ['ADAM_MSExchange', 'MSExchangeAntispamUpdate', 'MSExchangeEdgeCredential', 'MSExchangeHM',
             'MSExchangeServiceHost', 'MSExchangeTransport', 'MSExchangeTransportLogSearch'],
}


def service_rules(name):
    return [
        {'service': name, 'field': 'startMode', 'cases': [{'equals': 'Disabled', 'status': 'Fail', 'note': 'disabled'}],
         'otherwise': 'Pass', 'whenAbsent': 'Pass'},
        {'applicableIf': {'service': name, 'field': 'startMode', 'equals': 'Auto', 'whenAbsent': 'Fail'},
         'service': name, 'field': 'state', 'equals': 'Running', 'whenAbsent': 'Pass'},
    ]


CHECKS['EDCA-RES-001'] = group('all', [
    group('all', [r for s in RES001_SERVICES[role] for r in service_rules(s)], gate={'role': role})
    for role in ('Mailbox', 'Edge')])

PHYS = 'Win32_ComputerSystem'
GB = 1073741824


def memory(low, high):
    """Visible memory between low and high GB. Windows shows slightly less than is installed, so a value within 5 %
    below the minimum is Unknown rather than Fail."""
    low_b, high_b = low * GB, high * GB if high else None
    items = []
    if high_b:
        items.append(case('Fail', 'more memory than Exchange is tested with', greaterThan=high_b))
    items.append(case('Pass', atLeast=low_b))
    items.append(case('Unknown', 'just below the minimum: the installed memory may meet it', atLeast=low_b * 95 // 100))
    return {'cim': PHYS, 'property': 'TotalPhysicalMemory', 'require': 'all', 'cases': items, 'otherwise': 'Fail'}


def line_gate(minor):
    return reg('MsiProductMinor', equals=minor)


CHECKS['EDCA-PERF-014'] = group('all', [
    group('all', [memory(8, 192)], gate=group('all', [{'role': 'Mailbox'}, line_gate(1)])),
    group('all', [memory(4, None)], gate=group('all', [{'role': 'Edge'}, line_gate(1)])),
    group('all', [memory(32, 256)], gate=group('all', [{'role': 'Mailbox'}, line_gate(2)])),
    group('all', [memory(8, None)], gate=group('all', [{'role': 'Edge'}, line_gate(2)])),
], whenNoneApplies='Unknown')
DEPARTURES['EDCA-PERF-014'] = (
    'The agent reads the memory Windows reports (Win32_ComputerSystem.TotalPhysicalMemory), which is slightly less '
    'than the installed memory upstream adds up; a value up to 5 % below the minimum is therefore Unknown, not Fail.')
