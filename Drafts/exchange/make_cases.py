#!/usr/bin/env python3
"""Writes cases/EDCA-*.json: per control, the lab hosts as collected, hand-written variations, an error case and a
wrong-role case, each with only the stage keys the control reads and its expected verdict. Hand-stated verdicts
are checked against reference_eval.py; the script refuses to write when they disagree, and reports controls that
lack a Pass, a Fail or an Unknown case."""
import copy
import glob
import json
import os
import sys

import reference_eval as ev

HERE = os.path.dirname(os.path.abspath(__file__))
CONTROLS = {json.load(open(p))['id']: json.load(open(p)) for p in glob.glob(os.path.join(HERE, 'Controls', '*.json'))}
SPECIAL = {'Get-User': 'User.RemotePowerShell', 'Test-ReplicationHealth': 'ReplicationHealth'}
ROLE_GROUPS = ['RoleGroupMember.OrganizationManagement', 'RoleGroupMember.ServerManagement', 'RoleGroupMember.RecipientManagement']


def keys_of(control):
    """Stage key -> the properties the control reads from it."""
    keys = {}
    for fact in control['check']['facts']:
        if fact['kind'] != 'exchange':
            continue
        props = [p.split('.')[0] for p in fact['properties']]
        if fact['cmdlet'] == 'Get-RoleGroupMember':
            for k in ROLE_GROUPS:
                keys.setdefault(k, []).extend(props)
            continue
        base = SPECIAL.get(fact['cmdlet'], fact['cmdlet'].split('-', 1)[1])
        if 'all servers' in fact['subject'] and base + '.All' in ev.load('org-contoso.json'):
            base += '.All'
        keys.setdefault(base, []).extend(p for p in props if p not in keys.get(base, []))
    return keys


def only(answer, props):
    """An answer cut down to the properties a control reads."""
    if answer is None or 'rows' not in answer:
        return answer
    out = dict(answer)
    out['rows'] = [{k: v for k, v in r.items() if k in props} for r in answer['rows']]
    return out


# (case name, host, [(key, row index or None for the whole answer, {property: value} or an answer)], expected)
M = {
    'EDCA-GOV-009': [('CEIP on', 'MBX01', [('OrganizationConfig', 0, {'CustomerFeedbackEnabled': True})], 'Fail')],
    'EDCA-SEC-001': [('org switch off', 'MBX01', [('OrganizationConfig', 0, {'MapiHttpEnabled': False})], 'Fail'),
                     ('no MAPI directory', 'MBX01', [('MapiVirtualDirectory', None, {'rows': []})], 'Fail')],
    'EDCA-IAC-009': [('IMAP allowed by the default policy', 'MBX01', [('AuthenticationPolicy', 0, {'AllowBasicAuthImap': True})], 'Fail'),
                     ('no default policy with OAuth on', 'MBX01', [('OrganizationConfig', 0, {'DefaultAuthenticationPolicy': None})], 'Fail'),
                     ('default names a missing policy', 'MBX01', [('OrganizationConfig', 0, {'DefaultAuthenticationPolicy': 'Gone'})], 'Unknown')],
    'EDCA-IAC-015': [('null', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'AllowNonProvisionableDevices': None})], 'Pass')],
    'EDCA-IAC-017': [('length 3', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'MinPasswordLength': 3})], 'Fail'),
                     ('length 4', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'MinPasswordLength': 4})], 'Pass')],
    'EDCA-IAC-018': [('11 attempts', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'MaxPasswordFailedAttempts': 11})], 'Fail')],
    'EDCA-IAC-019': [('366 days', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'PasswordExpiration': 366 * 86400})], 'Fail')],
    'EDCA-IAC-024': [('30 minutes', 'MBX01', [('MobileDeviceMailboxPolicy', 0, {'MaxInactivityTimeLock': 1800})], 'Fail')],
    'EDCA-MON-004': [('connectivity log off', 'MBX01', [('TransportService', 0, {'ConnectivityLogEnabled': False})], 'Fail')],
    'EDCA-MON-005': [('tracking off', 'MBX02', [('TransportService', 0, {'MessageTrackingLogEnabled': False})], 'Fail')],
    'EDCA-TLS-016': [('unlimited', 'MBX01', [('TransportService', 0, {'MaxOutboundConnections': 'Unlimited'})], 'Fail'),
                     ('500 is stricter', 'MBX01', [('TransportService', 0, {'MaxOutboundConnections': 500})], 'Pass')],
    'EDCA-TLS-017': [('40 per domain', 'MBX01', [('TransportService', 0, {'MaxPerDomainOutboundConnections': 40})], 'Fail')],
    'EDCA-TLS-002': [('40 and 5 min', 'MBX01', [('TransportService', 0, {'MaxPerDomainOutboundConnections': 40})], 'Pass')],
    'EDCA-TLS-008': [('unlimited', 'MBX02', [('TransportConfig', 0, {'MaxSendSize': 'Unlimited'})], 'Fail')],
    'EDCA-TLS-009': [('50 MB', 'MBX02', [('TransportConfig', 0, {'MaxReceiveSize': 50 * 1048576})], 'Fail')],
    'EDCA-TLS-019': [('unlimited', 'MBX02', [('TransportConfig', 0, {'MaxRecipientEnvelopeLimit': 'Unlimited'})], 'Fail')],
    'EDCA-MON-007': [('a disabled connector without logging', 'MBX01', [('ReceiveConnector', 1, {'ProtocolLoggingLevel': 'None', 'Enabled': False})], 'Pass'),
                     ('no enabled connector', 'MBX01', [('ReceiveConnector', None, {'rows': []})], 'Unknown')],
    'EDCA-TLS-015': [('hop count 100', 'MBX01', [('ReceiveConnector', 0, {'MaxHopCount': 100})], 'Fail')],
    'EDCA-TLS-022': [('unlimited recipients', 'MBX01', [('ReceiveConnector', 2, {'MaxRecipientsPerMessage': 'Unlimited'})], 'Fail')],
    'EDCA-TLS-001': [('no anonymous connector', 'MBX01', [('ReceiveConnector', 0, {'PermissionGroups': ['ExchangeServers']})], 'Fail')],
    'EDCA-TLS-041': [('banner with the build', 'MBX01', [('ReceiveConnector', 0, {'Banner': '220 Microsoft Exchange Server 15.2.2562.37 ready'})], 'Fail'),
                     ('no anonymous connector', 'MBX01', [('ReceiveConnector', 0, {'PermissionGroups': ['ExchangeServers']})], 'Skipped')],
    'EDCA-TLS-029': [('hybrid without the capability', 'MBX01', [('ReceiveConnector.All', 0, {'TlsDomainCapabilities': []}), ('ReceiveConnector.All', 5, {'TlsDomainCapabilities': []})], 'Fail')],
    'EDCA-TLS-003': [('certificate validation only', 'MBX01', [('SendConnector', 0, {'TlsAuthLevel': 'CertificateValidation'})], 'Fail')],
    'EDCA-TLS-010': [('smart host', 'MBX02', [('SendConnector', 0, {'DNSRoutingEnabled': False, 'SmartHosts': ['10.0.0.25']})], 'Fail')],
    'EDCA-TLS-011': [('ignores STARTTLS', 'MBX02', [('SendConnector', 0, {'IgnoreStartTLS': True})], 'Fail')],
    'EDCA-TLS-018': [('20 minutes', 'MBX02', [('SendConnector', 0, {'ConnectionInactivityTimeOut': 1200})], 'Fail')],
    'EDCA-GOV-005': [('unlimited warning', 'MBX02', [('MailboxDatabase', 0, {'IssueWarningQuota': 'Unlimited'})], 'Fail')],
    'EDCA-GOV-006': [('unlimited', 'MBX02', [('MailboxDatabase', 0, {'ProhibitSendReceiveQuota': 'Unlimited'})], 'Fail')],
    'EDCA-GOV-007': [('unlimited', 'MBX02', [('MailboxDatabase', 0, {'ProhibitSendQuota': 'Unlimited'})], 'Fail')],
    'EDCA-GOV-010': [('send and send-receive equal', 'MBX02', [('MailboxDatabase', 0, {'ProhibitSendReceiveQuota': 2147483648})], 'Fail'),
                     ('warning above send', 'MBX01', [('MailboxDatabase', 1, {'IssueWarningQuota': 60 * 1073741824})], 'Fail')],
    'EDCA-RES-004': [('7 days', 'MBX02', [('MailboxDatabase', 0, {'DeletedItemRetention': 7 * 86400})], 'Fail')],
    'EDCA-RES-005': [('7 days', 'MBX02', [('MailboxDatabase', 0, {'MailboxRetention': 7 * 86400})], 'Fail')],
    'EDCA-RES-007': [('circular logging', 'MBX02', [('MailboxDatabase', 0, {'CircularLoggingEnabled': True})], 'Fail')],
    'EDCA-RES-009': [('not at startup', 'MBX02', [('MailboxDatabase', 0, {'MountAtStartup': False})], 'Fail')],
    'EDCA-RES-006': [('recovery database only', 'MBX02', [('MailboxDatabase', 0, {'Recovery': True})], 'Skipped')],
    'EDCA-DATA-014': [('front end off', 'MBX02', [('OwaVirtualDirectory', 0, {'SMimeEnabled': False})], 'Fail')],
    'EDCA-IAC-012': [('EWS without Windows authentication', 'MBX02', [('WebServicesVirtualDirectory', 0, {'InternalAuthenticationMethods': ['Basic']})], 'Unknown')],
    'EDCA-IAC-013': [('forms off on 2019', 'MBX02', [('OwaVirtualDirectory', 0, {'FormsAuthentication': False})], 'Fail')],
    'EDCA-SEC-020': [('HMA without the override', 'MBX01', [('SettingOverride', 3, {'SectionName': 'Other'})], 'Fail'),
                     ('download host is the OWA host', 'MBX01', [('OwaVirtualDirectory', 0, {'ExternalDownloadHostName': 'mail.contoso.com', 'InternalDownloadHostName': None})], 'Fail')],
    'EDCA-IAC-004': [('a directory without OAuth', 'MBX01', [('WebServicesVirtualDirectory.All', 0, {'OAuthAuthentication': False})], 'Fail')],
    'EDCA-TLS-030': [('no subscription', 'EDGE01', [('EdgeSubscription', None, {'rows': []})], 'Fail')],
    'EDCA-TLS-031': [('content filter off', 'EDGE01', [('ContentFilterConfig', 0, {'Enabled': False})], 'Fail')],
    'EDCA-TLS-032': [('validation off', 'EDGE01', [('RecipientFilterConfig', 0, {'RecipientValidationEnabled': False})], 'Fail')],
    'EDCA-TLS-033': [('blank senders accepted', 'EDGE01', [('SenderFilterConfig', 0, {'BlankSenderBlockingEnabled': False})], 'Fail')],
    'EDCA-TLS-044': [('nothing to block', 'EDGE01', [('SenderFilterConfig', 0, {'BlockedDomains': [], 'BlockedDomainsAndSubdomains': []})], 'Unknown'),
                     ('filter off', 'EDGE01', [('SenderFilterConfig', 0, {'Enabled': False})], 'Fail')],
    'EDCA-TLS-045': [('off', 'EDGE01', [('SenderReputationConfig', 0, {'Enabled': False})], 'Fail')],
    'EDCA-TLS-046': [('off', 'EDGE01', [('ContentFilterConfig', 0, {'Enabled': False})], 'Fail')],
    'EDCA-TLS-047': [('stamp only', 'EDGE01', [('SenderIdConfig', 0, {'SpoofedDomainAction': 'StampStatus'})], 'Fail')],
    'EDCA-TLS-048': [('no tarpit', 'EDGE01', [('ReceiveConnector', 0, {'TarpitInterval': 0})], 'Fail')],
    'EDCA-TLS-037': [('no domain security', 'EDGE01', [('ReceiveConnector', 0, {'DomainSecureEnabled': False})], 'Fail')],
    'EDCA-TLS-038': [('no TLS offered', 'EDGE01', [('ReceiveConnector', 0, {'AuthMechanism': ['None']})], 'Fail')],
    'EDCA-TLS-039': [('internal without RequireTLS', 'EDGE01', [('ReceiveConnector', 1, {'RequireTLS': False})], 'Fail')],
    'EDCA-TLS-040': [('internal admits anonymous', 'EDGE01', [('ReceiveConnector', 1, {'PermissionGroups': ['AnonymousUsers', 'ExchangeServers', 'Partners']})], 'Fail')],
    'EDCA-TLS-035': [('not verbose', 'EDGE01', [('SendConnector', 0, {'ProtocolLoggingLevel': 'None'})], 'Fail')],
    'EDCA-TLS-042': [('smart host', 'EDGE01', [('SendConnector', 0, {'DNSRoutingEnabled': False, 'SmartHosts': ['gw.contoso.com']})], 'Pass')],
    'EDCA-TLS-043': [('no domain security on the inbound connector', 'EDGE01', [('SendConnector', 1, {'DomainSecureEnabled': False})], 'Fail')],
    'EDCA-TLS-034': [('every connector requires TLS', 'EDGE01', [('SendConnector', 0, {'RequireTLS': True})], 'Pass')],
    'EDCA-DATA-004': [('override switches it off', 'MBX01', [('SettingOverride', 0, {'Parameters': ['Enabled=false']})], 'Fail')],
    'EDCA-DATA-016': [('override switched off', 'MBX01', [('SettingOverride', 1, {'Parameters': ['Enabled=False']})], 'Fail')],
    'EDCA-SEC-006': [('an AMSI-disabling override', 'MBX01', [('SettingOverride', 0, {'ComponentName': 'Cafe', 'SectionName': 'HttpRequestFiltering', 'Parameters': ['Enabled=False']})], 'Unknown')],
    'EDCA-SEC-032': [('P2 FROM detection disabled', 'MBX01', [('SettingOverride', 0, {'Name': 'DisableP2FromRegexMatch'})], 'Fail')],
    'EDCA-GOV-004': [('partner application disabled', 'MBX01', [('PartnerApplication', 0, {'Enabled': False})], 'Fail')],
    'EDCA-IAC-011': [('shared application id', 'MBX01', [('AuthServer', 0, {'ApplicationIdentifier': ev.SHARED})], 'Fail')],
    'EDCA-GOV-008': [('error reporting on', 'MBX01', [('ExchangeServer', 0, {'ErrorReportingEnabled': True})], 'Fail')],
    'EDCA-RES-012': [('DAG in one site', 'MBX01', [('ExchangeServer.All', 2, {'Site': 'contoso.com/Configuration/Sites/HQ'})], 'Fail')],
    'EDCA-RES-003': [('cluster network failed', 'MBX01', [('ReplicationHealth', 7, {'Result': 'Failed', 'Error': 'network down'})], 'Fail')],
    'EDCA-DATA-015': [('encryption not required', 'MBX01', [('RpcClientAccess', 0, {'EncryptionRequired': False})], 'Fail')],
    'EDCA-IAC-007': [('no ASA', 'MBX02', [], 'Skipped'),
                     ('another account than MBX03 in the same site', 'MBX01', [('ClientAccessService', 0, {'AlternateServiceAccountConfiguration': {'EffectiveCredentials': [{'UserName': 'CONTOSO\\OLD-ASA$'}], 'Latest': {'UserName': 'CONTOSO\\OLD-ASA$'}}})], 'Fail')],
    'EDCA-MON-012': [('a raised category', 'MBX01', [('EventLogLevel', 1, {'EventLevel': 'Medium'})], 'Fail')],
    'EDCA-SEC-039': [('malware agent off', 'MBX01', [('TransportAgent', 4, {'Enabled': False})], 'Fail')],
    'EDCA-MON-001': [('only some cmdlets', 'MBX01', [('AdminAuditLogConfig', 0, {'AdminAuditLogCmdlets': ['New-*']})], 'Fail')],
    'EDCA-GOV-001': [('truncated, nothing seen', 'MBX01', [('Mailbox', None, {'rows': [], 'truncated': True})], 'Unknown')],
    'EDCA-IAC-001': [('case differs only', 'MBX01', [('Mailbox', 0, {'UserPrincipalName': 'Alice@Contoso.com'})], 'Pass')],
    'EDCA-RES-011': [('one mailbox without SIR', 'MBX01', [('Mailbox', 1, {'SingleItemRecoveryEnabled': False})], 'Fail')],
    'EDCA-SEC-033': [],
}
HOST = {h[0]: h for h in ev.HOSTS}
# Controls that never fail by design (their rules end in Unknown, as upstream).
UNDECLARED = []
NEVER = {'EDCA-IAC-012': {'Fail'}, 'EDCA-SEC-006': {'Fail'}, 'EDCA-TLS-002': {'Fail'}}


def facts_for(host):
    name, orgfile = HOST[host][0], HOST[host][1]
    return copy.deepcopy(ev.load(name.lower() + '.json')['cmdlets']), copy.deepcopy(ev.load(orgfile))


def apply(srv, org, changes):
    for key, index, change in changes:
        target = srv if key in srv else org
        if index is None:
            target[key] = change
        else:
            target[key]['rows'][index].update(change)


def case(cid, name, host, keys, changes=(), error_key=None, role=None):
    srv, org = facts_for(host)
    apply(srv, org, changes)
    if error_key:
        (srv if error_key in srv else org)[error_key] = {'error': {'class': 'denied', 'message': 'Active Directory operation failed: access is denied.'}}
    h = HOST[host]
    status, note = ev.evaluate(cid, h[0], h[1], role or h[2], h[3], h[4], srv=srv, org=org)
    facts = {k: only(srv.get(k) or org.get(k), props) for k, props in keys.items() if (srv.get(k) or org.get(k)) is not None}
    # The verdict must not change when the case keeps only what the control declares it reads.
    again, _ = ev.evaluate(cid, h[0], h[1], role or h[2], h[3], h[4], srv=copy.deepcopy(facts), org=copy.deepcopy(facts))
    if again != status and status != 'Skipped':
        UNDECLARED.append('%s "%s": %s with all facts, %s with the declared ones' % (cid, name, status, again))
    return {'name': name, 'host': host, 'role': role or h[2], 'expect': status, 'referenceEvidence': note, 'facts': facts}


def main():
    os.makedirs(os.path.join(HERE, 'cases'), exist_ok=True)
    problems, total = [], 0
    for cid, control in sorted(CONTROLS.items()):
        # Controls that also need local facts (issue 16's kinds) get their cases with the local-facts drafts.
        if control['check']['stage'] == 'local' or ev.evaluate(cid, *ev.HOSTS[0])[0] == '(local)':
            continue
        keys = keys_of(control)
        roles = ev.META[cid]['roles']
        primary = 'EDGE01' if roles == ['Edge'] else 'MBX01'
        cases = [case(cid, 'Contoso as collected', primary, keys)]
        if roles != ['Edge']:
            cases.append(case(cid, 'Fabrikam as setup left it', 'MBX02', keys))
        for name, host, changes, expected in M.get(cid, []):
            c = case(cid, name, host, keys, changes)
            if c['expect'] != expected:
                problems.append('%s "%s": stated %s, reference %s (%s)' % (cid, name, expected, c['expect'], c['referenceEvidence']))
            cases.append(c)
        if keys:
            first = list(keys)[0]
            c = case(cid, '%s denied' % first, primary, keys, error_key=first)
            if c['expect'] not in ('Unknown', 'Skipped'):
                problems.append('%s: an error on %s gives %s' % (cid, first, c['expect']))
            cases.append(c)
        if 'Edge' not in roles:
            cases.append(case(cid, 'Edge server', 'EDGE01', keys, role='Edge'))
        elif 'Mailbox' not in roles:
            cases.append(case(cid, 'Mailbox server', 'MBX01', keys, role='Mailbox'))
        statuses = {c['expect'] for c in cases}
        missing = {'Pass', 'Fail', 'Unknown'} - statuses - NEVER.get(cid, set())
        if missing:
            problems.append('%s: no %s case' % (cid, '/'.join(sorted(missing))))
        total += len(cases)
        with open(os.path.join(HERE, 'cases', cid + '.json'), 'w') as f:
            json.dump({'control': cid, 'draft': True, 'scanTime': ev.SCAN.isoformat().replace('+00:00', 'Z'), 'cases': cases}, f, indent=1)
            f.write('\n')
    problems += UNDECLARED
    print('%d cases' % total)
    print('\n'.join(problems))
    return 1 if [p for p in problems if 'stated' in p or 'gives' in p or 'declared' in p] else 0


if __name__ == '__main__':
    sys.exit(main())
