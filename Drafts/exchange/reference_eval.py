#!/usr/bin/env python3
"""An executable reading of the drafted rules over lab-facts, to state expected verdicts for tests. Not the engine;
delete it once the engine's case files exist. Controls that also need local facts (issue 16) are evaluated from the
`local` block of a host file when present, otherwise reported as 'local facts needed'.

python3 reference_eval.py            # the verdict table for every lab host
"""
import json
import os
import re
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
META = json.load(open(os.path.join(HERE, 'upstream-meta.json')))
SCAN = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
MB25 = 26214400
SHARED = '00000002-0000-0ff1-ce00-000000000000'


class Unknown(Exception):
    pass


class Skipped(Exception):
    pass


def rows(facts, key):
    a = facts.get(key)
    if a is None:
        raise Unknown('%s not collected' % key)
    if 'error' in a:
        raise Unknown('%s: %s' % (key, a['error']['class']))
    return a['rows']


def one(facts, key):
    r = rows(facts, key)
    if not r:
        raise Unknown('%s: no rows' % key)
    return r[0]


def gt(v, limit):
    """v above limit, with 'Unlimited' above everything; None → Unknown."""
    if v is None:
        raise Unknown('value absent')
    return v == 'Unlimited' or v > limit


def res(ok, fail_note='', pass_note=''):
    return ('Pass', pass_note) if ok else ('Fail', fail_note)


def enabled(r):
    return [x for x in r if x.get('Enabled', True)]


def names(r):
    return ', '.join(str(x.get('Identity') or x.get('Name')) for x in r)


def hybrid(org):
    sc = enabled(rows(org, 'SendConnector'))
    return [x for x in sc if x.get('CloudServicesMailEnabled') or any(str(h).lower().endswith('mail.protection.outlook.com') for h in x.get('SmartHosts') or [])]


def external(org):
    return [x for x in enabled(rows(org, 'SendConnector')) if any(re.match(r'(?i)smtp:\*;', a) for a in x.get('AddressSpaces') or [])]


def default_policy(org):
    r = rows(org, 'MobileDeviceMailboxPolicy')
    if not r:
        raise Unknown('no policies')
    d = [x for x in r if x.get('IsDefault')]
    return d[0] if d else sorted(r, key=lambda x: x['Name'])[0]


def mdm(prop, bad, needs_password=True):
    def f(c):
        p = default_policy(c['org'])
        if needs_password and p.get('PasswordEnabled') is False:
            return ('Fail', 'no device password')
        v = p.get(prop)
        return res(not bad(v), '%s=%s' % (prop, v))
    return f


def every_rc(pred, note):
    def f(c):
        r = enabled(rows(c['srv'], 'ReceiveConnector'))
        if not r:
            raise Unknown('no enabled connectors')
        bad = [x for x in r if pred(x)]
        return res(not bad, '%s: %s' % (note, names(bad)))
    return f


def every_sc(pred, note, ext=False, facts='org'):
    def f(c):
        r = external(c[facts]) if ext else enabled(rows(c[facts], 'SendConnector'))
        if not r:
            if ext:
                raise Skipped('no external connector')
            raise Unknown('no enabled connectors')
        bad = [x for x in r if pred(x)]
        return res(not bad, '%s: %s' % (note, names(bad)))
    return f


def every_rd(pred, note):
    def f(c):
        r = rows(c['org'], 'RemoteDomain')
        if not r:
            raise Unknown('no remote domains')
        bad = [x for x in r if pred(x)]
        return res(not bad, '%s: %s' % (note, names(bad)))
    return f


def per_db(pred, note):
    def f(c):
        r = [x for x in rows(c['srv'], 'MailboxDatabase') if not x.get('Recovery')]
        if not r:
            raise Skipped('no databases')
        bad = [x for x in r if pred(x)]
        return res(not bad, '%s: %s' % (note, names(bad)))
    return f


def ts(prop, want):
    return lambda c: res(one(c['srv'], 'TransportService').get(prop) == want, '%s=%s' % (prop, one(c['srv'], 'TransportService').get(prop)))


def overrides(org, server=None):
    out = []
    for o in rows(org, 'SettingOverride'):
        if server is None or not o.get('Server') or server in o['Server']:
            out.append(o)
    return out


def param(o, name):
    for p in o.get('Parameters') or []:
        k, _, v = p.partition('=')
        if k.strip().lower() == name.lower():
            return v.strip().lower()
    return None


def sec020(c):
    org = c['org']
    if one(org, 'OrganizationConfig').get('EnableDownloadDomains') is not True:
        return ('Fail', 'EnableDownloadDomains false')
    fe = [x for x in rows(c['srv'], 'OwaVirtualDirectory') if 'Default Web Site' in x['Identity']]
    if not fe:
        raise Unknown('no front-end OWA')
    fe = fe[0]
    hosts = {h.lower() for h in (fe.get('ExternalDownloadHostName'), fe.get('InternalDownloadHostName')) if h}
    if not hosts:
        return ('Fail', 'no download host')
    owa = {re.sub(r'^https?://([^/]+).*$', r'\1', u).lower() for u in (fe.get('InternalUrl'), fe.get('ExternalUrl')) if u}
    if hosts & owa:
        return ('Fail', 'download host equals OWA host')
    hma = [a for a in rows(org, 'AuthServer') if a.get('Type') == 'AzureAD' and a.get('Enabled') and a.get('IsDefaultAuthorizationEndpoint')]
    if hma and not [o for o in overrides(org) if o['ComponentName'] == 'OAuth' and o['SectionName'] == 'OAuthIdentityCacheFixForDownloadDomains' and param(o, 'Enabled') == 'true']:
        return ('Fail', 'HMA without the override')
    return ('Pass', '')


def iac009(c):
    oc = one(c['org'], 'OrganizationConfig')
    if oc.get('OAuth2ClientProfileEnabled') is not True:
        return ('Unknown', 'modern authentication off')
    name = oc.get('DefaultAuthenticationPolicy')
    if not name:
        return ('Fail', 'no default policy')
    p = [x for x in rows(c['org'], 'AuthenticationPolicy') if x['Name'].lower() == name.lower()]
    if not p:
        raise Unknown('default policy missing')
    allowed = [k[14:] for k, v in p[0].items() if k.startswith('AllowBasicAuth') and v]
    return res(not allowed, 'Basic allowed: ' + ', '.join(allowed))


def iac004(c):
    org = c['org']
    if one(org, 'OrganizationConfig').get('OAuth2ClientProfileEnabled') is not True:
        return ('Fail', 'OAuth2ClientProfileEnabled false')
    if not [a for a in rows(org, 'AuthServer') if a.get('Enabled') and a.get('IsDefaultAuthorizationEndpoint') and a.get('Type') in ('AzureAD', 'ADFS')]:
        return ('Fail', 'no default authorization endpoint')
    bad = [x['Identity'] for x in rows(org, 'MapiVirtualDirectory.All') if 'OAuth' not in x['IISAuthenticationMethods']]
    bad += [x['Identity'] for k in ('WebServicesVirtualDirectory.All', 'AutodiscoverVirtualDirectory.All') for x in rows(org, k) if x['OAuthAuthentication'] is False]
    return res(not bad, 'no OAuth: ' + ', '.join(bad))


def tls001(c):
    r = enabled(rows(c['srv'], 'ReceiveConnector'))
    if not r:
        raise Unknown('no connectors')
    ext = [x for x in r if 'AnonymousUsers' in x['PermissionGroups'] and 'Tls' in x['AuthMechanism']]
    if not ext:
        return ('Fail', 'no external pattern')
    if c['role'] == 'Mailbox' and not [x for x in r if {'ExchangeServers', 'ExchangeUsers'} & set(x['PermissionGroups']) and 'AnonymousUsers' not in x['PermissionGroups']]:
        return ('Fail', 'no internal pattern')
    return ('Pass', '')


def tls041(c):
    r = [x for x in enabled(rows(c['srv'], 'ReceiveConnector')) if 'AnonymousUsers' in x['PermissionGroups']]
    if not r:
        raise Skipped('no internet-facing connector')
    bad = [x for x in r if x.get('Banner') and re.search(r'(?i)exchange|15\.\d+\.\d', x['Banner'])]
    return res(not bad, 'banner reveals version: ' + names(bad))


def tls029(c):
    if not hybrid(c['org']):
        raise Skipped('not hybrid')
    r = [x for x in enabled(rows(c['org'], 'ReceiveConnector.All')) if x['TransportRole'] == 'FrontendTransport'
         and any(re.search(r'(?i)mail\.protection\.outlook\.com:(AcceptCloudServicesMail|AcceptOorgProtocol)', t) for t in x.get('TlsDomainCapabilities') or [])]
    if not r:
        return ('Fail', 'no connector recognises Exchange Online')
    bad = [x for x in r if 'Tls' not in x['AuthMechanism']]
    return res(not bad, 'no Tls: ' + names(bad))


def tls003(c):
    h = hybrid(c['org'])
    if not h:
        raise Skipped('not hybrid')
    bad = [x for x in h if not x.get('RequireTLS') or x.get('TlsAuthLevel') != 'DomainValidation'
           or not re.match(r'(?i)^(\*\.)?mail\.protection\.outlook\.com\.?$', x.get('TlsDomain') or '')
           or not re.match(r'^<I>.+<S>.+$', x.get('TlsCertificateName') or '')]
    return res(not bad, names(bad))


def gov010(c):
    def bad(d):
        if 'Unlimited' in (d['ProhibitSendQuota'], d['ProhibitSendReceiveQuota']):
            return True
        if d['ProhibitSendReceiveQuota'] <= d['ProhibitSendQuota']:
            return True
        return d['IssueWarningQuota'] != 'Unlimited' and d['IssueWarningQuota'] >= d['ProhibitSendQuota']
    return per_db(bad, 'quota order')(c)


def data004(c):
    o = [x for x in overrides(c['org'], c['name']) if x['ComponentName'] == 'Data' and x['SectionName'] == 'EnableSerializationDataSigning']
    if [x for x in o if param(x, 'Enabled') == 'false']:
        return ('Fail', 'switched off')
    if [x for x in o if param(x, 'Enabled') == 'true']:
        return ('Pass', '')
    if c['line'] == 'SE' or c['build'] >= 1544:
        return ('Unknown', 'default-on build, catalog entry to add')
    return ('Fail', '')


def data016(c):
    irm = one(c['org'], 'IRMConfiguration')
    if not any(irm.values()):
        raise Skipped('no IRM licensing')
    ok = [x for x in overrides(c['org']) if x['ComponentName'] == 'Encryption' and x['SectionName'] == 'EnableEncryptionAlgorithmCBC' and param(x, 'Enabled') == 'true' and not x.get('Server')]
    return res(bool(ok), 'no CBC override')


KNOWN = {('Data', 'EnableSerializationDataSigning'), ('Encryption', 'EnableEncryptionAlgorithmCBC'), ('OAuth', 'OAuthIdentityCacheFixForDownloadDomains'), ('Global', 'ExchangeOnpremAsThirdPartyAppId')}


def sec006(c):
    other = [x for x in overrides(c['org'], c['name']) if (x['ComponentName'], x['SectionName']) not in KNOWN or param(x, 'Enabled') == 'false']
    return ('Pass', '') if not other else ('Unknown', names(other))


def sec032(c):
    bad = [x for x in rows(c['org'], 'SettingOverride') if re.search(r'(?i)DisableP2FromRegexMatch', x['Name'])
           or (x['SectionName'] == 'NonCompliantSenders' and any(p.lower().endswith('=false') for p in x.get('Parameters') or []))]
    return res(not bad, names(bad))


def gov004(c):
    if not hybrid(c['org']):
        raise Skipped('not hybrid')
    if not [a for a in rows(c['org'], 'AuthServer') if a.get('Enabled') and a.get('Type') in ('AzureAD', 'MicrosoftACS')]:
        return ('Fail', 'no authorization server')
    return res(bool([p for p in rows(c['org'], 'PartnerApplication') if p.get('Enabled') and p.get('ApplicationIdentifier') == SHARED]), 'no Exchange Online partner application')


def iac011(c):
    if not hybrid(c['org']):
        raise Skipped('not hybrid')
    if not [o for o in rows(c['org'], 'SettingOverride') if o['ComponentName'] == 'Global' and o['SectionName'] == 'ExchangeOnpremAsThirdPartyAppId']:
        return ('Fail', 'no override')
    evo = [a for a in rows(c['org'], 'AuthServer') if a.get('Enabled') and a.get('Type') == 'AzureAD']
    ded = [a for a in evo if a.get('ApplicationIdentifier') and a['ApplicationIdentifier'] != SHARED]
    return res(ded and not [a for a in evo if a.get('ApplicationIdentifier') == SHARED], 'shared app or no dedicated app')


def mailbox_rule(pred, note):
    def f(c):
        bad = [m for m in rows(c['org'], 'Mailbox') if pred(m)]
        if bad:
            return ('Fail', '%s: %d' % (note, len(bad)))
        if c['org']['Mailbox'].get('truncated'):
            return ('Unknown', 'truncated')
        return ('Pass', '')
    return f


def res012(c):
    dags = [d for d in rows(c['org'], 'DatabaseAvailabilityGroup') if d.get('Servers')]
    if not dags:
        raise Skipped('no DAG')
    site = {s['Name']: s.get('Site') for s in rows(c['org'], 'ExchangeServer.All')}
    for d in dags:
        if len({site.get(m) for m in d['Servers']}) < 2:
            return ('Fail', d['Name'])
    return ('Pass', '')


def res003(c):
    members = {m for d in rows(c['org'], 'DatabaseAvailabilityGroup') for m in d.get('Servers') or []}
    if c['name'] not in members:
        raise Skipped('not a DAG member')
    bad = [x for x in rows(c['srv'], 'ReplicationHealth') if x['Result'] != 'Passed']
    return res(not bad, ', '.join(x['Check'] for x in bad))


def iac007(c):
    mine = {x['UserName'] for x in one(c['srv'], 'ClientAccessService')['AlternateServiceAccountConfiguration']['EffectiveCredentials']}
    if not mine:
        raise Skipped('no ASA')
    site = one(c['srv'], 'ExchangeServer')['Site']
    for name, facts in c['peers'].items():
        if name == c['name'] or one(facts, 'ExchangeServer')['Site'] != site:
            continue
        theirs = {x['UserName'] for x in one(facts, 'ClientAccessService')['AlternateServiceAccountConfiguration']['EffectiveCredentials']}
        if theirs and theirs != mine:
            return ('Fail', 'differs from ' + name)
    return ('Pass', '')


def iac010(c):
    rules = [r for r in rows(c['org'], 'ClientAccessRule') if r.get('Enabled') and r.get('Action') == 'DenyAccess']
    for proto in ('RemotePowerShell', 'ExchangeAdminCenter'):
        if not [r for r in rules if proto in r.get('AnyOfProtocols') or []]:
            return ('Fail', 'no rule restricting ' + proto)
    admins = {m['SamAccountName'] for k in ('RoleGroupMember.OrganizationManagement', 'RoleGroupMember.ServerManagement', 'RoleGroupMember.RecipientManagement') for m in rows(c['org'], k)}
    non = [u['SamAccountName'] for u in rows(c['org'], 'User.RemotePowerShell') if u['SamAccountName'] not in admins]
    return res(not non, 'non-admins with remote PowerShell: ' + ', '.join(non))


def sec034(c):
    agents = {a['Identity']: a['Enabled'] for a in rows(c['srv'], 'TransportAgent')}
    pairs = {'Content Filter Agent': 'ContentFilterConfig', 'Sender Filter Agent': 'SenderFilterConfig', 'Sender Id Agent': 'SenderIdConfig', 'Protocol Analysis Agent': 'SenderReputationConfig'}
    src = c['srv'] if c['role'] == 'Edge' else c['org']
    for agent, cfg in pairs.items():
        if not agents.get(agent):
            return ('Fail', agent + ' missing or disabled')
        if one(src, cfg).get('Enabled') is not True:
            return ('Fail', cfg + ' off')
    return ('Pass', '')


def sec039(c):
    m = [a for a in rows(c['srv'], 'TransportAgent') if a['Identity'] == 'Malware Agent']
    if not m:
        raise Unknown('no Malware Agent')
    return res(m[0]['Enabled'], 'disabled')


def edge_rc(kind):
    def sel(c):
        r = enabled(rows(c['srv'], 'ReceiveConnector'))
        if kind == 'internet':
            return [x for x in r if set(x['Bindings']) & {'0.0.0.0:25', '[::]:25'}]
        return [x for x in r if 'ExchangeServer' in x['AuthMechanism']]
    return sel


def edge_rule(kind, pred, note):
    def f(c):
        r = edge_rc(kind)(c)
        if not r:
            raise Unknown('no %s connector' % kind)
        bad = [x for x in r if pred(x)]
        return res(not bad, '%s: %s' % (note, names(bad)))
    return f


def tls031(c):
    s = c['srv']
    for k in ('ContentFilterConfig', 'RecipientFilterConfig', 'SenderFilterConfig'):
        if one(s, k).get('Enabled') is not True:
            return ('Fail', k + ' off')
    a = [x for x in rows(s, 'TransportAgent') if x['Identity'] == 'Connection Filtering Agent']
    return res(a and a[0]['Enabled'], 'Connection Filtering Agent missing or off')


def tls044(c):
    s = one(c['srv'], 'SenderFilterConfig')
    if not s['Enabled']:
        return ('Fail', 'off')
    if not (s.get('BlockedDomains') or s.get('BlockedDomainsAndSubdomains')):
        return ('Unknown', 'nothing to block')
    return ('Pass', '')


def local(name):
    def f(c):
        return ('(local)', 'needs local facts: ' + name)
    return f


RULES = {
    'EDCA-GOV-009': lambda c: res(one(c['org'], 'OrganizationConfig').get('CustomerFeedbackEnabled') is not True),
    'EDCA-IAC-008': lambda c: res(one(c['org'], 'OrganizationConfig')['AdSplitPermissionEnabled']),
    'EDCA-SEC-001': lambda c: res(one(c['org'], 'OrganizationConfig')['MapiHttpEnabled'] and bool(rows(c['srv'], 'MapiVirtualDirectory'))),
    'EDCA-IAC-009': iac009,
    'EDCA-IAC-014': mdm('AllowSimplePassword', lambda v: v is True),
    'EDCA-IAC-015': mdm('AllowNonProvisionableDevices', lambda v: v is True, False),
    'EDCA-IAC-016': mdm('PasswordHistory', lambda v: v is None or v < 4),
    'EDCA-IAC-017': mdm('MinPasswordLength', lambda v: v is None or v < 4),
    'EDCA-IAC-018': mdm('MaxPasswordFailedAttempts', lambda v: gt(v, 10)),
    'EDCA-IAC-019': mdm('PasswordExpiration', lambda v: gt(v, 365 * 86400)),
    'EDCA-IAC-020': mdm('DevicePolicyRefreshInterval', lambda v: gt(v, 86400), False),
    'EDCA-IAC-021': mdm('AlphanumericPasswordRequired', lambda v: v is False),
    'EDCA-IAC-022': mdm('RequireDeviceEncryption', lambda v: v is False, False),
    'EDCA-IAC-023': mdm('PasswordEnabled', lambda v: v is False, False),
    'EDCA-IAC-024': mdm('MaxInactivityTimeLock', lambda v: gt(v, 900)),
    'EDCA-DATA-003': local('certificate store'),
    'EDCA-MON-004': ts('ConnectivityLogEnabled', True),
    'EDCA-MON-005': ts('MessageTrackingLogEnabled', True),
    'EDCA-MON-006': ts('MessageTrackingLogSubjectLoggingEnabled', False),
    'EDCA-SEC-033': lambda c: res(not one(c['srv'], 'TransportService').get('PickupDirectoryPath'), 'pickup directory set'),
    'EDCA-TLS-002': lambda c: ('Unknown', 'below HealthChecker baseline') if (lambda t: (t['MaxPerDomainOutboundConnections'] != 'Unlimited' and t['MaxPerDomainOutboundConnections'] < 40) or t['MessageRetryInterval'] > 300)(one(c['srv'], 'TransportService')) else ('Pass', ''),
    'EDCA-TLS-016': lambda c: res(not gt(one(c['srv'], 'TransportService')['MaxOutboundConnections'], 1000)),
    'EDCA-TLS-017': lambda c: res(not gt(one(c['srv'], 'TransportService')['MaxPerDomainOutboundConnections'], 20)),
    'EDCA-TLS-008': lambda c: res(not gt(one(c['org'], 'TransportConfig')['MaxSendSize'], MB25)),
    'EDCA-TLS-009': lambda c: res(not gt(one(c['org'], 'TransportConfig')['MaxReceiveSize'], MB25)),
    'EDCA-TLS-019': lambda c: res(not gt(one(c['org'], 'TransportConfig')['MaxRecipientEnvelopeLimit'], 5000)),
    'EDCA-MON-007': every_rc(lambda x: x['ProtocolLoggingLevel'] != 'Verbose', 'not Verbose'),
    'EDCA-TLS-013': every_rc(lambda x: gt(x['MaxMessageSize'], MB25), 'above 25 MB'),
    'EDCA-TLS-015': every_rc(lambda x: x['MaxHopCount'] > 60, 'hop count above 60'),
    'EDCA-TLS-020': every_rc(lambda x: gt(x['ConnectionTimeout'], 300), 'timeout above 5 min'),
    'EDCA-TLS-021': lambda c: (lambda h: res(not [x for x in h if not x['RequireTLS']], 'RequireTLS false') if h else ('Unknown', 'no HubTransport connector'))([x for x in enabled(rows(c['srv'], 'ReceiveConnector')) if x['TransportRole'] == 'HubTransport']),
    'EDCA-TLS-022': every_rc(lambda x: x['MaxRecipientsPerMessage'] in (None, 0, 'Unlimited'), 'no recipient limit'),
    'EDCA-TLS-001': tls001,
    'EDCA-TLS-041': tls041,
    'EDCA-TLS-029': tls029,
    'EDCA-MON-008': every_sc(lambda x: x['ProtocolLoggingLevel'] != 'Verbose', 'not Verbose'),
    'EDCA-TLS-010': every_sc(lambda x: not x['DNSRoutingEnabled'], 'smart host', ext=True),
    'EDCA-TLS-011': every_sc(lambda x: x['IgnoreStartTLS'], 'ignores STARTTLS', ext=True),
    'EDCA-TLS-012': every_sc(lambda x: gt(x['MaxMessageSize'], MB25), 'above 25 MB'),
    'EDCA-TLS-014': every_sc(lambda x: not x['DomainSecureEnabled'], 'no domain security', ext=True),
    'EDCA-TLS-018': every_sc(lambda x: x['ConnectionInactivityTimeOut'] > 600, 'above 10 min'),
    'EDCA-TLS-003': tls003,
    'EDCA-TLS-004': every_rd(lambda x: x['AutoForwardEnabled'], 'auto-forward'),
    'EDCA-TLS-005': every_rd(lambda x: x['AutoReplyEnabled'], 'auto-reply'),
    'EDCA-TLS-006': every_rd(lambda x: x['NDREnabled'], 'NDR'),
    'EDCA-TLS-007': every_rd(lambda x: x['AllowedOOFType'] != 'None', 'OOF'),
    'EDCA-GOV-005': per_db(lambda d: d['IssueWarningQuota'] == 'Unlimited', 'Unlimited'),
    'EDCA-GOV-006': per_db(lambda d: d['ProhibitSendReceiveQuota'] == 'Unlimited', 'Unlimited'),
    'EDCA-GOV-007': per_db(lambda d: d['ProhibitSendQuota'] == 'Unlimited', 'Unlimited'),
    'EDCA-GOV-010': gov010,
    'EDCA-RES-004': per_db(lambda d: d['DeletedItemRetention'] < 14 * 86400, 'below 14 days'),
    'EDCA-RES-005': per_db(lambda d: d['MailboxRetention'] < 30 * 86400, 'below 30 days'),
    'EDCA-RES-006': per_db(lambda d: not d['RetainDeletedItemsUntilBackup'], 'false'),
    'EDCA-RES-007': per_db(lambda d: d['CircularLoggingEnabled'], 'circular logging'),
    'EDCA-RES-009': per_db(lambda d: not d['MountAtStartup'], 'not at startup'),
    'EDCA-RES-010': per_db(lambda d: len(d['DatabaseCopies']) < 2, 'single copy'),
    'EDCA-RES-008': local('volumes'), 'EDCA-SEC-008': local('volumes'), 'EDCA-SEC-009': local('volumes'), 'EDCA-SEC-040': local('volumes'),
    'EDCA-DATA-017': local('volumes, BitLocker'),
    'EDCA-DATA-014': lambda c: (lambda fe: res(fe[0]['SMimeEnabled'], 'front end off') if fe else ('Unknown', 'no OWA'))([x for x in rows(c['srv'], 'OwaVirtualDirectory') if 'Default Web Site' in x['Identity']]),
    'EDCA-IAC-012': lambda c: ('Unknown', 'missing WIA') if [x for x in rows(c['srv'], 'MapiVirtualDirectory') if not {'Ntlm', 'Negotiate'} & set(x['IISAuthenticationMethods'])] + [x for k in ('OwaVirtualDirectory', 'EcpVirtualDirectory', 'WebServicesVirtualDirectory', 'AutodiscoverVirtualDirectory') for x in rows(c['srv'], k) if not {'Ntlm', 'Negotiate', 'WindowsIntegrated'} & set(x['InternalAuthenticationMethods'])] else ('Pass', ''),
    'EDCA-IAC-013': lambda c: (lambda fe: res(fe[0]['FormsAuthentication'] == (c['line'] != '2016')) if fe else ('Unknown', ''))([x for x in rows(c['srv'], 'OwaVirtualDirectory') if 'Default Web Site' in x['Identity']]),
    'EDCA-SEC-014': local('applicationHost.config'),
    'EDCA-SEC-020': sec020,
    'EDCA-IAC-004': iac004,
    'EDCA-TLS-030': lambda c: res(bool(rows(c['srv'], 'EdgeSubscription')), 'no subscription'),
    'EDCA-TLS-031': tls031,
    'EDCA-TLS-032': lambda c: res(one(c['srv'], 'RecipientFilterConfig')['RecipientValidationEnabled']),
    'EDCA-TLS-033': lambda c: res(one(c['srv'], 'SenderFilterConfig')['BlankSenderBlockingEnabled']),
    'EDCA-TLS-045': lambda c: res(one(c['srv'], 'SenderReputationConfig')['Enabled']),
    'EDCA-TLS-046': lambda c: res(one(c['srv'], 'ContentFilterConfig')['Enabled']),
    'EDCA-TLS-044': tls044,
    'EDCA-TLS-047': lambda c: (lambda s: ('Fail', 'off') if not s['Enabled'] else res(s['SpoofedDomainAction'] == 'Reject', s['SpoofedDomainAction']))(one(c['srv'], 'SenderIdConfig')),
    'EDCA-TLS-048': lambda c: (lambda r: res(not [x for x in r if x['TarpitInterval'] < 5], 'tarpit below 5 s') if r else ('Unknown', ''))(enabled(rows(c['srv'], 'ReceiveConnector'))),
    'EDCA-TLS-037': edge_rule('internet', lambda x: not x['DomainSecureEnabled'], 'no domain security'),
    'EDCA-TLS-038': edge_rule('internet', lambda x: 'Tls' not in x['AuthMechanism'] or ('BasicAuth' in x['AuthMechanism'] and 'BasicAuthRequireTLS' not in x['AuthMechanism']), 'no TLS'),
    'EDCA-TLS-039': edge_rule('internal', lambda x: not x['RequireTLS'], 'RequireTLS false'),
    'EDCA-TLS-040': edge_rule('internal', lambda x: 'AnonymousUsers' in x['PermissionGroups'], 'anonymous'),
    'EDCA-TLS-034': every_sc(lambda x: not x['RequireTLS'], 'RequireTLS false', facts='srv'),
    'EDCA-TLS-035': every_sc(lambda x: x['ProtocolLoggingLevel'] != 'Verbose', 'not Verbose', facts='srv'),
    'EDCA-TLS-042': lambda c: (lambda r: res(not [x for x in r if x['DNSRoutingEnabled']], 'DNS routing') if r else ('Unknown', ''))([x for x in enabled(rows(c['srv'], 'SendConnector')) if any(re.match(r'(?i)smtp:\*;', a) for a in x['AddressSpaces'])]),
    'EDCA-TLS-043': every_sc(lambda x: not x['DomainSecureEnabled'], 'no domain security', facts='srv'),
    'EDCA-DATA-004': data004, 'EDCA-DATA-016': data016, 'EDCA-SEC-006': sec006, 'EDCA-SEC-032': sec032,
    'EDCA-DATA-002': local('certificate store of every Mailbox server'), 'EDCA-GOV-004': gov004, 'EDCA-IAC-011': iac011,
    'EDCA-GOV-001': mailbox_rule(lambda m: m['RecipientTypeDetails'] in ('SharedMailbox', 'RoomMailbox', 'EquipmentMailbox') and m['AccountDisabled'] is False, 'enabled accounts'),
    'EDCA-IAC-001': mailbox_rule(lambda m: m['RecipientTypeDetails'] == 'UserMailbox' and m['UserPrincipalName'].lower() != m['PrimarySmtpAddress'].lower(), 'UPN differs'),
    'EDCA-RES-011': mailbox_rule(lambda m: m['RecipientTypeDetails'] == 'UserMailbox' and m['SingleItemRecoveryEnabled'] is False, 'SIR off'),
    'EDCA-GOV-008': lambda c: res(one(c['srv'], 'ExchangeServer').get('ErrorReportingEnabled') is not True),
    'EDCA-RES-012': res012, 'EDCA-RES-003': res003,
    'EDCA-RES-001': local('services'), 'EDCA-PERF-014': local('memory'), 'EDCA-PERF-015': local('cores'),
    'EDCA-DATA-015': lambda c: res(one(c['srv'], 'RpcClientAccess')['EncryptionRequired']),
    'EDCA-IAC-007': iac007,
    'EDCA-MON-012': lambda c: (lambda r: res(not [x for x in r if x['EventLevel'] != 'Lowest']) if r else ('Unknown', ''))(rows(c['srv'], 'EventLogLevel')),
    'EDCA-SEC-034': sec034, 'EDCA-SEC-039': sec039,
    'EDCA-MON-001': lambda c: (lambda a: ('Fail', 'off') if not a['AdminAuditLogEnabled'] else res('*' in a['AdminAuditLogCmdlets'], 'not all cmdlets'))(one(c['org'], 'AdminAuditLogConfig')),
    'EDCA-IAC-010': iac010,
    'EDCA-MON-010': local('ACL of <install>\\Logging'), 'EDCA-MON-011': local('volumes'),
}

HOSTS = [('MBX01', 'org-contoso.json', 'Mailbox', 'SE', 2562), ('MBX03', 'org-contoso.json', 'Mailbox', 'SE', 2562),
         ('MBX04', 'org-contoso.json', 'Mailbox', 'SE', 2562), ('EDGE01', 'org-contoso.json', 'Edge', 'SE', 2562),
         ('MBX02', 'org-fabrikam.json', 'Mailbox', '2019', 1544)]


def load(name):
    return json.load(open(os.path.join(HERE, 'lab-facts', name)))


def evaluate(cid, name, orgfile, role, line, build, srv=None, org=None):
    if role not in META[cid]['roles']:
        return ('Skipped', 'role')
    org = org or load(orgfile)
    srv = srv or load(name.lower() + '.json')['cmdlets']
    peers = {h: load(h.lower() + '.json')['cmdlets'] for h, o, r, _, _ in HOSTS if o == orgfile and r == 'Mailbox'}
    ctx = {'org': org, 'srv': srv, 'role': role, 'line': line, 'build': build, 'name': name, 'peers': peers}
    try:
        return RULES[cid](ctx)
    except Unknown as e:
        return ('Unknown', str(e))
    except Skipped as e:
        return ('Skipped', str(e))


def main():
    assert set(RULES) == set(META), sorted(set(META) ^ set(RULES))
    print('| control | subject | ' + ' | '.join(h[0] for h in HOSTS) + ' |')
    print('|---|---|' + '---|' * len(HOSTS))
    for cid in sorted(META):
        cells = []
        for h in HOSTS:
            status, note = evaluate(cid, *h)
            cells.append(status if not note or status in ('Pass', 'Skipped') else '%s (%s)' % (status, note))
        print('| %s | %s | %s |' % (cid[5:], META[cid]['subject'], ' | '.join(cells)))


if __name__ == '__main__':
    main()
