#!/usr/bin/env python3
"""Writes cases/EDCA-*.json: the test cases of controls.md, as facts in the lab-facts layout with a stated verdict.

Each case starts from one lab host (hardened or default), changes a few facts, and keeps only the facts that the
control reads. The expected verdict is written by hand from controls.md; the script refuses to write a case when
reference_eval.py disagrees, so the rules, the reference reading and the cases are checked against each other.
"""
import copy, hashlib, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_eval as ref

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTS = {'H': ref.load(os.path.join(HERE, 'lab-facts/mbx-hardened')), 'D': ref.load(os.path.join(HERE, 'lab-facts/mbx-default'))}
DENIED = {'state': 'denied', 'message': 'Access is denied.'}
HTTP = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\'


# ---- small fact edits (each returns a function that edits a facts dict in place)
def service(name, **fields):
    def edit(f):
        f['service'][name] = DENIED if fields.get('denied') else dict({'present': True}, **fields)
    return edit

def service_absent(*names):
    def edit(f):
        for n in names: f['service'][n] = {'present': False}
    return edit

def cim(cls, rows=None, denied=False, absent=False):
    def edit(f):
        key = 'root\\cimv2:' + cls
        f['cim'][key] = DENIED if denied else ({'state': 'absent', 'message': 'Invalid class '} if absent else {'instances': rows})
    return edit

def cim_props(cls, **props):
    def edit(f):
        for row in f['cim']['root\\cimv2:' + cls]['instances']: row.update(props)
    return edit

def cert_store(denied=False, add=None, set_not_after=None):
    def edit(f):
        if denied:
            f['certificate']['LocalMachine\\My'] = DENIED; return
        entries = f['certificate']['LocalMachine\\My']['entries']
        if add: entries.append(add)
        if set_not_after:
            subject, value = set_not_after
            for e in entries:
                if e['subject'].startswith(subject): e['notAfter'] = value
    return edit

def registry(key, values):
    def edit(f):
        if values is None: f['registry'][key] = None
        elif values == 'delete': f['registry'].pop(key, None)
        else: f['registry'][key] = values
    return edit

def xml_answer(select_suffix, answer, file=None):
    def edit(f):
        for item in f['xml']:
            if item['select'].endswith(select_suffix) and (file is None or item['file'] == file): item['answer'] = answer
    return edit

def xml_file(file, answer):
    def edit(f):
        for item in f['xml']:
            if item['file'] == file: item['answer'] = answer
    return edit

def setf(kind, value):
    def edit(f): f[kind] = value
    return edit

def adapters(*rows):
    return setf('netAdapter', {'adapters': list(rows)})

def nic(name, **kw):
    row = {'name': name, 'interfaceDescription': 'Intel(R) Ethernet Controller X710', 'interfaceGuid': '{00000000-0000-4000-8000-%s}' % hashlib.sha1(name.encode()).hexdigest()[:12].upper(),
           'status': 'Up', 'virtual': False, 'ipEnabled': True, 'rssEnabled': True, 'receivedDiscarded': 0, 'outboundDiscarded': 0,
           'pnpCapabilities': 24, 'tcpAckFrequency': None, 'advanced': {}}
    row.update(kw); return row

def exchange_build(build):
    a, b, c, d = build.split('.')
    def edit(f):
        setup = f['registry']['HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup']
        setup.update({'MsiProductMajor': {'type': 'REG_DWORD', 'data': int(a)}, 'MsiProductMinor': {'type': 'REG_DWORD', 'data': int(b)},
                      'MsiBuildMajor': {'type': 'REG_DWORD', 'data': int(c)}, 'MsiBuildMinor': {'type': 'REG_DWORD', 'data': int(d)},
                      'OwaVersion': {'type': 'REG_SZ', 'data': build}})
    return edit

def os_build(build, ubr):
    def edit(f):
        f['registry']['HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'] = {'CurrentBuildNumber': {'type': 'REG_SZ', 'data': build}, 'UBR': {'type': 'REG_DWORD', 'data': ubr}}
    return edit

def remove_line(f):
    setup = f['registry']['HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup']
    for k in ('MsiProductMajor', 'MsiProductMinor'): setup.pop(k, None)

def defender(status=None, preferences=None):
    def edit(f):
        if status == 'notInstalled': f['defender'] = {'state': 'notInstalled'}; return
        if status: f['defender']['status'].update(status)
        if preferences is not None: f['defender']['preferences'] = preferences
    return edit

def modules_edit(fn):
    def edit(f):
        if fn == 'denied': f['iisModules'] = DENIED
        else: fn(f['iisModules']['modules'])
    return edit

def cert(subject, thumb, not_after, pk=True):
    return {'thumbprint': thumb, 'subject': subject, 'issuer': subject, 'dnsNames': [], 'notBefore': '2024-01-01T00:00:00Z', 'notAfter': not_after,
            'keyAlgorithm': 'RSA', 'keySize': 2048, 'signatureAlgorithm': 'sha256RSA', 'hasPrivateKey': pk}

def suites(*names, protocols=None):
    return setf('tlsCipherSuite', {'suites': [{'name': n, 'protocols': (protocols or {}).get(n, [772] if n.startswith(('TLS_AES_', 'TLS_CHACHA20_')) else [771]), 'exchange': '', 'cipher': '', 'hash': ''} for n in names]})

def fip(dirs):
    return setf('directory', [{'root': 'ExchangeInstall', 'path': 'FIP-FS\\Data\\Engines\\amd64\\Microsoft\\Bin', 'answer': dirs}])

def web_config(path, answer):
    def edit(f):
        for item in f['file']:
            if item['path'] == path: item['answer'] = answer
    return edit

def acl_add(**ace):
    def edit(f):
        f['acl'][0]['answer']['aces'].append(dict({'type': 'Allow', 'flags': 'OICI', 'isInherited': False}, **ace))
    return edit


I = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15'
ECDHE = ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']
DHE = ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384']
POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002'

# (name, role, base host, edits, expected status)
CASES = {
 'DATA-001': [
  ('bound certificates valid; an expired CA copy without a private key is ignored', 'Mailbox', 'H', [], 'Pass'),
  ('the certificate bound to 443 expired yesterday', 'Mailbox', 'H', [cert_store(set_not_after=('CN=mail.contoso.com', '2026-12-02T23:59:59Z'))], 'Fail'),
  ('the self-signed certificate bound to 444 (Exchange Back End) expired', 'Mailbox', 'H', [cert_store(set_not_after=('CN=MBX01', '2026-11-30T08:12:00Z'))], 'Fail'),
  ('an expired certificate with a private key is bound nowhere: it may be SMTP', 'Mailbox', 'D', [], 'Unknown'),
  ('a binding names a certificate that is not in the store', 'Mailbox', 'H', [registry(HTTP + '0.0.0.0:8443', {'SslCertHash': {'type': 'REG_BINARY', 'data': 'ab' * 20}, 'SslCertStoreName': {'type': 'REG_SZ', 'data': 'MY'}})], 'Unknown'),
  ('certificate store denied', 'Mailbox', 'H', [cert_store(denied=True)], 'Unknown'),
  ('binding key denied', 'Mailbox', 'H', [registry(HTTP + '0.0.0.0:443', None)], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'DATA-009': [
  ('native HSTS on Default Web Site, one year, no redirect', 'Mailbox', 'H', [], 'Pass'),
  ('no HSTS anywhere', 'Mailbox', 'D', [], 'Pass'),
  ('HSTS on Exchange Back End', 'Mailbox', 'D', [xml_answer('/sites/site/hsts', {'matches': [{'../@name': 'Exchange Back End', '@enabled': 'true', '@max-age': '31536000'}]})], 'Fail'),
  ('redirectHttpToHttps on Default Web Site', 'Mailbox', 'D', [xml_answer('/sites/site/hsts', {'matches': [{'../@name': 'Default Web Site', '@enabled': 'true', '@max-age': '31536000', '@redirectHttpToHttps': 'true'}]})], 'Fail'),
  ('max-age of one day', 'Mailbox', 'D', [xml_answer('/sites/site/hsts', {'matches': [{'../@name': 'Default Web Site', '@enabled': 'true', '@max-age': '86400'}]})], 'Unknown'),
  ('applicationHost.config denied (standard account)', 'Mailbox', 'H', [xml_file('applicationHost.config', DENIED)], 'Unknown'),
  ('applicationHost.config absent', 'Mailbox', 'H', [xml_file('applicationHost.config', {'state': 'fileAbsent'})], 'Unknown'),
  ('correction: a header on Default Web Site/owa with max-age 300 counts', 'Mailbox', 'D', [xml_answer("[@name='Strict-Transport-Security']", {'matches': [{'@value': 'max-age=300', '../../../../@path': 'Default Web Site/owa'}]})], 'Unknown'),
  ('correction: native HSTS on without max-age reads as 0', 'Mailbox', 'D', [xml_answer('/sites/site/hsts', {'matches': [{'../@name': 'Default Web Site', '@enabled': 'true'}]})], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'DATA-018': [
  ('hardened Group Policy order (TLS 1.3 suites first, then ECDHE, then DHE)', 'Mailbox', 'H', [], 'Pass'),
  ('Windows Server 2019 default suites (RSA and PSK without forward secrecy)', 'Mailbox', 'D', [], 'Fail'),
  ('DHE ahead of ECDHE', 'Mailbox', 'D', [suites(*(DHE + ECDHE))], 'Fail'),
  ('cmdlet missing and no registry list', 'Mailbox', 'D', [setf('tlsCipherSuite', {'state': 'notInstalled'}), registry('HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002', 'delete')], 'Unknown'),
  ('no TLS 1.2 suite at all', 'Mailbox', 'D', [suites('TLS_AES_256_GCM_SHA384')], 'Unknown'),
  ('correction: TLS 1.3 suites are not judged as TLS 1.2 suites', 'Edge', 'D', [suites(*(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] + ECDHE + DHE))], 'Pass'),
  ('correction: a Group Policy order wins over the local list', 'Mailbox', 'D', [registry(POLICY, {'Functions': {'type': 'REG_SZ', 'data': ','.join(ECDHE)}})], 'Pass')],
 'GOV-003': [
  ('running, automatic', 'Mailbox', 'H', [], 'Pass'),
  ('stopped, automatic', 'Mailbox', 'H', [service('MSExchangeMitigation', state='Stopped', startMode='Auto')], 'Fail'),
  ('running, manual', 'Mailbox', 'H', [service('MSExchangeMitigation', state='Running', startMode='Manual')], 'Fail'),
  ('disabled', 'Mailbox', 'H', [service('MSExchangeMitigation', state='Stopped', startMode='Disabled')], 'Fail'),
  ('not installed (build before 2019 CU11)', 'Mailbox', 'H', [service_absent('MSExchangeMitigation')], 'Unknown'),
  ('service query denied', 'Mailbox', 'H', [service('MSExchangeMitigation', denied=True)], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'MON-009': [
  ('both timeouts set', 'Mailbox', 'H', [], 'Pass'),
  ('neither set: defaults shown', 'Mailbox', 'D', [], 'Pass'),
  ('EdgeTransport.exe.config missing', 'Mailbox', 'D', [xml_file('Bin\\EdgeTransport.exe.config', {'state': 'fileAbsent'})], 'Fail'),
  ('EdgeTransport.exe.config denied', 'Mailbox', 'D', [xml_file('Bin\\EdgeTransport.exe.config', DENIED)], 'Unknown'),
  ('EdgeTransport.exe.config does not parse', 'Mailbox', 'D', [xml_file('Bin\\EdgeTransport.exe.config', {'state': 'parseError', 'message': 'Unexpected end of file'})], 'Unknown'),
  ('correction: a timeout that is not a time span', 'Edge', 'H', [xml_answer("[@key='NormalPriorityMessageExpirationTimeout']", {'matches': [{'@value': 'two days'}]})], 'Unknown')],
 'PERF-003': [
  ('2 x 12 cores, 24 logical', 'Mailbox', 'H', [], 'Pass'),
  ('2 x 12 cores, 48 logical (Hyper-Threading on)', 'Edge', 'H', [cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=48)], 'Fail'),
  ('Win32_Processor denied', 'Mailbox', 'H', [cim('Win32_Processor', denied=True)], 'Unknown'),
  ('no core count', 'Mailbox', 'H', [cim_props('Win32_Processor', NumberOfCores=0)], 'Unknown')],
 'PERF-004': [
  ('no limit (0)', 'Mailbox', 'H', [], 'Pass'),
  ('a 250 MB limit', 'Mailbox', 'H', [xml_answer('/configuration/nodeRunnerSettings', {'matches': [{'@memoryLimitMegabytes': '250'}]})], 'Fail'),
  ('-1', 'Mailbox', 'H', [xml_answer('/configuration/nodeRunnerSettings', {'matches': [{'@memoryLimitMegabytes': '-1'}]})], 'Fail'),
  ('attribute absent', 'Mailbox', 'H', [xml_answer('/configuration/nodeRunnerSettings', {'matches': [{'@memoryLimitMegabytes': None}]})], 'Unknown'),
  ('correction: file missing is Unknown, not Fail', 'Mailbox', 'H', [xml_answer('/configuration/nodeRunnerSettings', {'state': 'fileAbsent'})], 'Unknown'),
  ('file denied', 'Mailbox', 'H', [xml_answer('/configuration/nodeRunnerSettings', DENIED)], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'PERF-006': [
  ('Exchange 2019, 32 logical', 'Mailbox', 'H', [cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=32)], 'Pass'),
  ('Exchange 2019, 64 logical', 'Mailbox', 'H', [cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=64)], 'Fail'),
  ('Exchange 2016, 32 logical', 'Mailbox', 'H', [exchange_build('15.1.2507.66'), cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=32)], 'Fail'),
  ('correction: product line unknown, 32 logical', 'Mailbox', 'H', [remove_line, cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=32)], 'Unknown'),
  ('product line unknown, 16 logical', 'Edge', 'H', [remove_line, cim_props('Win32_ComputerSystem', NumberOfLogicalProcessors=16)], 'Pass'),
  ('Win32_ComputerSystem denied', 'Mailbox', 'H', [cim('Win32_ComputerSystem', denied=True)], 'Unknown')],
 'PERF-007': [
  ('every connected adapter has RSS on', 'Mailbox', 'H', [], 'Pass'),
  ('VMXNET3 with RSS off', 'Mailbox', 'D', [], 'Fail'),
  ('a disconnected adapter with RSS off is ignored', 'Mailbox', 'H', [adapters(nic('MAPI'), nic('Spare', status='Disconnected', rssEnabled=False))], 'Pass'),
  ('NetAdapter module missing', 'Mailbox', 'H', [setf('netAdapter', {'state': 'notInstalled'})], 'Unknown'),
  ('correction: one of two connected adapters has RSS off', 'Edge', 'H', [adapters(nic('MAPI'), nic('Replication', rssEnabled=False))], 'Fail')],
 'PERF-008': [
  ('one fixed page file', 'Mailbox', 'H', [], 'Pass'),
  ('automatically managed', 'Mailbox', 'D', [], 'Fail'),
  ('two page files', 'Edge', 'H', [setf('pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 16384, 'maximumSize': 16384}, {'name': 'D:\\pagefile.sys', 'initialSize': 16384, 'maximumSize': 16384}]})], 'Fail'),
  ('page file settings denied', 'Mailbox', 'H', [setf('pageFile', {'automaticManaged': False, 'settings': DENIED})], 'Unknown')],
 'PERF-009': [
  ('power saving off on both adapters (24); the iDRAC RNDIS device is ignored', 'Mailbox', 'H', [], 'Pass'),
  ('one adapter at 0', 'Mailbox', 'H', [adapters(nic('MAPI'), nic('Replication', pnpCapabilities=0))], 'Fail'),
  ('one adapter without the value (Windows default)', 'Mailbox', 'D', [], 'Fail'),
  ('only a Remote NDIS device', 'Edge', 'H', [adapters(nic('iDRAC', interfaceDescription='Remote NDIS Compatible Device', pnpCapabilities=None))], 'Pass'),
  ('adapter class key denied', 'Mailbox', 'H', [adapters(nic('MAPI', pnpCapabilities=DENIED))], 'Unknown'),
  ('correction: two adapters of the same model are judged separately', 'Mailbox', 'H', [adapters(nic('A', interfaceDescription='Intel(R) Ethernet X710'), nic('B', interfaceDescription='Intel(R) Ethernet X710', pnpCapabilities=None))], 'Fail')],
 'PERF-011': [
  ('VMXNET3 without discards', 'Mailbox', 'D', [adapters(nic('Ethernet0', interfaceDescription='vmxnet3 Ethernet Adapter'))], 'Pass'),
  ('5412 received packets discarded', 'Mailbox', 'D', [], 'Fail'),
  ('12 received packets discarded', 'Edge', 'D', [adapters(nic('Ethernet0', interfaceDescription='vmxnet3 Ethernet Adapter', receivedDiscarded=12))], 'Unknown'),
  ('no VMXNET3 adapter', 'Mailbox', 'H', [], 'Skipped'),
  ('adapters denied', 'Mailbox', 'D', [setf('netAdapter', DENIED)], 'Unknown'),
  ('correction: outbound discards do not count', 'Mailbox', 'D', [adapters(nic('Ethernet0', interfaceDescription='vmxnet3 Ethernet Adapter', outboundDiscarded=3000))], 'Pass')],
 'PERF-013': [
  ('Exchange 2019, 128 GiB installed, 32768/32768 (correction: upstream fails on usable memory)', 'Mailbox', 'H', [], 'Pass'),
  ('Exchange 2019, 16384/32768', 'Mailbox', 'H', [setf('pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 16384, 'maximumSize': 32768}]})], 'Fail'),
  ('system-managed size 0/0', 'Mailbox', 'H', [setf('pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 0, 'maximumSize': 0}]})], 'Fail'),
  ('Exchange 2016, 16 GiB, 16394/16394', 'Mailbox', 'H', [exchange_build('15.1.2507.66'), cim('Win32_PhysicalMemory', [{'Capacity': 8 * 2**30}, {'Capacity': 8 * 2**30}]), setf('pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 16394, 'maximumSize': 16394}]})], 'Pass'),
  ('Exchange 2016, 64 GiB, capped at 32778', 'Edge', 'H', [exchange_build('15.1.2507.66'), cim('Win32_PhysicalMemory', [{'Capacity': 32 * 2**30}, {'Capacity': 32 * 2**30}]), setf('pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 32778, 'maximumSize': 32778}]})], 'Pass'),
  ('installed memory denied', 'Mailbox', 'H', [cim('Win32_PhysicalMemory', denied=True)], 'Unknown'),
  ('automatic page file', 'Mailbox', 'D', [], 'Skipped')],
 'PERF-016': [
  ('not set', 'Mailbox', 'H', [], 'Pass'),
  ('2', 'Mailbox', 'H', [adapters(nic('MAPI', tcpAckFrequency=2))], 'Pass'),
  ('4', 'Mailbox', 'H', [adapters(nic('MAPI', tcpAckFrequency=4))], 'Fail'),
  ('1: delayed ACK off, for review', 'Edge', 'H', [adapters(nic('MAPI', tcpAckFrequency=1))], 'Unknown'),
  ('adapters denied', 'Mailbox', 'H', [setf('netAdapter', DENIED)], 'Unknown')],
 'PERF-017': [
  ('VMware, drivers absent', 'Mailbox', 'D', [service_absent('vsepflt', 'vnetflt')], 'Pass'),
  ('VMware, vsepflt running', 'Mailbox', 'D', [service_absent('vnetflt')], 'Fail'),
  ('Hyper-V guest', 'Edge', 'D', [cim_props('Win32_ComputerSystem', Manufacturer='Microsoft Corporation', Model='Virtual Machine')], 'Skipped'),
  ('Win32_ComputerSystem denied', 'Mailbox', 'D', [cim('Win32_ComputerSystem', denied=True)], 'Unknown')],
 'RES-002': [
  ('default temporary path, cleaned by the responder', 'Mailbox', 'H', [], 'Pass'),
  ('custom path listed by the responder', 'Mailbox', 'H', [xml_answer("[@key='TemporaryStoragePath']", {'matches': [{'@value': 'D:\\ExTemp'}]}), xml_answer('/MaintenanceDefinition/ExtensionAttributes', {'matches': [{'@CleanupFolderResponderFolderPaths': 'D:\\ExTemp\\UnifiedContent\\;C:\\Windows\\Temp\\UnifiedContent'}]})], 'Pass'),
  ('custom path not listed', 'Edge', 'H', [xml_answer("[@key='TemporaryStoragePath']", {'matches': [{'@value': 'D:\\ExTemp'}]})], 'Fail'),
  ('AntiMalware.xml missing', 'Mailbox', 'H', [xml_file('Bin\\Monitoring\\Config\\AntiMalware.xml', {'state': 'fileAbsent'})], 'Unknown'),
  ('EdgeTransport.exe.config denied', 'Mailbox', 'H', [xml_file('Bin\\EdgeTransport.exe.config', DENIED)], 'Unknown')],
 'SEC-010': [
  ('C: NTFS', 'Mailbox', 'H', [], 'Pass'),
  ('C: ReFS', 'Edge', 'H', [setf('volume', {'systemDrive': 'C:', 'volumes': [{'name': 'C:\\', 'driveLetter': 'C:', 'fileSystem': 'ReFS', 'blockSize': 4096, 'capacity': 1, 'label': ''}]})], 'Fail'),
  ('no volume for C:', 'Mailbox', 'H', [setf('volume', {'systemDrive': 'C:', 'volumes': []})], 'Unknown')],
 'SEC-015': [
  ('engine 2112330001 only', 'Mailbox', 'H', [], 'Pass'),
  ('a January 2022 engine folder', 'Mailbox', 'H', [fip({'subdirectories': ['2112330001', '2201010001']})], 'Unknown'),
  ('engine folder missing', 'Mailbox', 'H', [fip({'state': 'absent'})], 'Unknown'),
  ('engine folder denied', 'Mailbox', 'H', [fip(DENIED)], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'SEC-016': [
  ('all eight present and valid', 'Mailbox', 'H', [], 'Pass'),
  ('ClientAccess\\ecp\\web.config missing', 'Mailbox', 'H', [web_config('ClientAccess\\ecp\\web.config', {'exists': False})], 'Fail'),
  ('FrontEnd\\HttpProxy\\owa\\web.config truncated', 'Mailbox', 'H', [web_config('FrontEnd\\HttpProxy\\owa\\web.config', {'exists': True, 'isXml': False, 'fileVersion': '', 'productVersion': ''})], 'Fail'),
  ('one denied', 'Mailbox', 'H', [web_config('ClientAccess\\owa\\web.config', DENIED)], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'SEC-019': [
  ('every folder and process excluded', 'Mailbox', 'H', [], 'Pass'),
  ('one parent folder exclusion covers all folders and processes', 'Mailbox', 'D', [defender(preferences={'exclusionPath': [I + '\\'], 'exclusionProcess': [], 'exclusionExtension': []})], 'Pass'),
  ('no exclusions', 'Mailbox', 'D', [], 'Fail'),
  ('the queue folder is missing', 'Mailbox', 'H', [lambda f: f['defender']['preferences']['exclusionPath'].remove(I + '\\TransportRoles\\Data\\Queue')], 'Fail'),
  ('exclusions hidden from a standard account', 'Mailbox', 'H', [defender(preferences=DENIED)], 'Unknown'),
  ('Defender not installed', 'Mailbox', 'H', [defender(status='notInstalled')], 'Skipped'),
  ('Defender in passive mode', 'Mailbox', 'H', [defender(status={'amRunningMode': 'Passive Mode'})], 'Skipped'),
  ('correction: Edge judged on the Edge list', 'Edge', 'D', [defender(preferences={'exclusionPath': [I + '\\' + d for d in ['TransportRoles\\Data\\Queue', 'TransportRoles\\Data\\SenderReputation', 'TransportRoles\\Data\\Temp', 'TransportRoles\\Logs', 'Logging']], 'exclusionProcess': [I + '\\Bin\\' + p for p in ['EdgeTransport.exe', 'MSExchangeTransport.exe', 'MSExchangeTransportLogSearch.exe']], 'exclusionExtension': []})], 'Pass'),
  ('correction: a variable exclusion the agent cannot expand', 'Mailbox', 'D', [defender(preferences={'exclusionPath': ['%ExchangeInstallPath%Mailbox'], 'exclusionProcess': [], 'exclusionExtension': []})], 'Unknown')],
 'SEC-021': [
  ('all four stopped', 'Mailbox', 'D', [], 'Pass'),
  ('IMAP4 running', 'Mailbox', 'D', [service('MSExchangeIMAP4', state='Running', startMode='Auto')], 'Fail'),
  ('correction: only the POP3 back end running', 'Mailbox', 'D', [service('MSExchangePOP3BE', state='Running', startMode='Manual')], 'Fail'),
  ('none installed', 'Mailbox', 'D', [service_absent('MSExchangePOP3', 'MSExchangeIMAP4', 'MSExchangePOP3BE', 'MSExchangeIMAP4BE')], 'Unknown'),
  ('a service query denied', 'Mailbox', 'D', [service('MSExchangePOP3', denied=True)], 'Unknown'),
  ('Edge server', 'Edge', 'D', [], 'Skipped')],
 'SEC-025': [
  ('all three profiles on', 'Mailbox', 'H', [], 'Pass'),
  ('Public off', 'Edge', 'H', [setf('firewallProfile', {'profiles': [{'name': 'Domain', 'enabled': True}, {'name': 'Private', 'enabled': True}, {'name': 'Public', 'enabled': False}]})], 'Fail'),
  ('profiles denied', 'Mailbox', 'H', [setf('firewallProfile', DENIED)], 'Unknown')],
 'SEC-026': [
  ('real-time protection on', 'Mailbox', 'H', [], 'Pass'),
  ('real-time protection off', 'Edge', 'H', [defender(status={'realTimeProtectionEnabled': False})], 'Fail'),
  ('correction: passive mode (another antivirus registered)', 'Mailbox', 'H', [defender(status={'amRunningMode': 'Passive Mode', 'realTimeProtectionEnabled': False})], 'Skipped'),
  ('Windows Server 2016', 'Mailbox', 'H', [os_build('14393', 6351)], 'Skipped'),
  ('Defender not installed', 'Mailbox', 'H', [defender(status='notInstalled')], 'Unknown'),
  ('status denied', 'Mailbox', 'H', [setf('defender', DENIED)], 'Unknown')],
 'SEC-027': [
  ('every module signed by Microsoft', 'Mailbox', 'H', [], 'Pass'),
  ('an unsigned module', 'Mailbox', 'H', [modules_edit(lambda m: m.append({'name': 'HttpHelper', 'image': 'C:\\inetpub\\temp\\x.dll', 'imageExists': True, 'signatureStatus': 'NotSigned', 'signatureType': 'None', 'signerSubject': None, 'isOSBinary': False}))], 'Fail'),
  ('correction: a tampered Microsoft module', 'Mailbox', 'H', [modules_edit(lambda m: m[0].update({'signatureStatus': 'HashMismatch'}))], 'Fail'),
  ('a third-party module', 'Mailbox', 'H', [modules_edit(lambda m: m.append({'name': 'F5XForwardedFor', 'image': 'C:\\Windows\\System32\\inetsrv\\F5XFFHttpModule.dll', 'imageExists': True, 'signatureStatus': 'Valid', 'signatureType': 'Authenticode', 'signerSubject': 'CN=F5 Networks, O=F5 Networks, C=US', 'isOSBinary': False}))], 'Unknown'),
  ('correction: a module whose file is missing', 'Mailbox', 'H', [modules_edit(lambda m: m[1].update({'imageExists': False, 'signatureStatus': None, 'signerSubject': None}))], 'Unknown'),
  ('correction: "Microsoft" elsewhere in the subject is not Microsoft', 'Mailbox', 'H', [modules_edit(lambda m: m.append({'name': 'Helper', 'image': 'C:\\x\\h.dll', 'imageExists': True, 'signatureStatus': 'Valid', 'signatureType': 'Authenticode', 'signerSubject': 'CN=Microsoftt Helper, O=Evil Ltd', 'isOSBinary': False}))], 'Unknown'),
  ('applicationHost.config denied', 'Mailbox', 'H', [modules_edit('denied')], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'SEC-028': [
  ('Hyper-V, maximum equals memory', 'Mailbox', 'D', [cim_props('Win32_ComputerSystem', Manufacturer='Microsoft Corporation', Model='Virtual Machine'), cim('Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService', [{'Name': '', 'MaximumMemoryMBytes': 65535}])], 'Pass'),
  ('Hyper-V, dynamic memory up to 1 TB', 'Mailbox', 'D', [cim_props('Win32_ComputerSystem', Manufacturer='Microsoft Corporation', Model='Virtual Machine'), cim('Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService', [{'Name': '', 'MaximumMemoryMBytes': 1048576}])], 'Fail'),
  ('VMware, all memory reserved', 'Edge', 'D', [cim('Win32_PerfRawData_vmGuestLib_VMMemory', [{'MemoryReservationinMB': 65536}])], 'Pass'),
  ('VMware, nothing reserved', 'Mailbox', 'D', [], 'Fail'),
  ('correction: physical server', 'Mailbox', 'H', [], 'Skipped'),
  ('VMware counters absent (VMware Tools without guest library)', 'Mailbox', 'D', [cim('Win32_PerfRawData_vmGuestLib_VMMemory', absent=True)], 'Unknown')],
 'SEC-029': [
  ('not installed', 'Mailbox', 'H', [], 'Pass'),
  ('MSMQ-Server installed', 'Edge', 'H', [cim('Win32_OptionalFeature', [{'Name': 'MSMQ-Server', 'InstallState': 1}, {'Name': 'WCF-MSMQ-Activation45', 'InstallState': 2}])], 'Fail'),
  ('optional features denied', 'Mailbox', 'H', [cim('Win32_OptionalFeature', denied=True)], 'Unknown')],
 'SEC-031': [
  ('loaded on Windows Server 2022 with the October 2023 update', 'Mailbox', 'H', [], 'Pass'),
  ('loaded on Windows Server 2019 17763.6054', 'Mailbox', 'D', [], 'Pass'),
  ('correction: loaded on Windows Server 2019 before the October 2023 update (17763.4851)', 'Mailbox', 'D', [os_build('17763', 4851)], 'Fail'),
  ('loaded on Windows Server 2022 20348.1970 (September 2023)', 'Mailbox', 'H', [os_build('20348', 1970)], 'Fail'),
  ('removed (mitigation in place)', 'Mailbox', 'H', [modules_edit(lambda m: m.remove(next(x for x in m if x['name'] == 'TokenCacheModule')))], 'Unknown'),
  ('update revision unknown', 'Mailbox', 'H', [lambda f: f['registry']['HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'].pop('UBR')], 'Unknown'),
  ('applicationHost.config denied', 'Mailbox', 'H', [modules_edit('denied')], 'Unknown'),
  ('Edge server', 'Edge', 'H', [], 'Skipped')],
 'SEC-035': [
  ('Program Files defaults plus Exchange Trusted Subsystem', 'Mailbox', 'H', [], 'Pass'),
  ('Users with Modify', 'Mailbox', 'H', [acl_add(rights=0x1301BF, sid='S-1-5-32-545', identity='BUILTIN\\Users')], 'Fail'),
  ('Authenticated Users with GENERIC_WRITE', 'Edge', 'H', [acl_add(rights=0x40000000, sid='S-1-5-11', identity='NT AUTHORITY\\Authenticated Users')], 'Fail'),
  ('correction: an inherited write grant to Everyone', 'Mailbox', 'H', [acl_add(rights=0x120116, sid='S-1-1-0', identity='Everyone', isInherited=True, flags='OICIID')], 'Fail'),
  ('correction: a name that only ends in SYSTEM', 'Mailbox', 'H', [acl_add(rights=0x1F01FF, sid='S-1-5-21-3623811015-3361044348-30300820-2001', identity='CONTOSO\\NotSYSTEM')], 'Fail'),
  ('ACL denied', 'Mailbox', 'H', [lambda f: f['acl'][0].update({'answer': DENIED})], 'Unknown')],
 'TLS-036': [
  ('Edge: the SMTP assignment is not collected before the Exchange stage', 'Edge', 'H', [], 'Unknown'),
  ('Mailbox server', 'Mailbox', 'H', [], 'Skipped')],
}


def needed(control):
    """The fact kinds (and CIM classes / service names / XML files) a draft control reads."""
    kinds, classes, services, files = set(), set(), set(), set()
    for fact in control['check']['facts']:
        kinds.add(fact['kind'])
        if fact['kind'] == 'cim': classes.add(fact['class'])
        if fact['kind'] == 'service': services.add(fact['name'])
        if fact['kind'] == 'xml': files.add(fact['file'])
    if kinds & {'xml', 'file', 'directory', 'acl', 'defender'}: kinds.add('registry')
    if 'iisModules' in kinds: kinds.add('registry')
    return kinds, classes, services, files


def trim(facts, control):
    kinds, classes, services, files = needed(control)
    out = {}
    for kind in sorted(kinds):
        if kind == 'exchangeCmdlet': continue
        value = facts[kind]
        if kind == 'cim' and isinstance(value, dict) and 'state' not in value:
            value = {k: v for k, v in value.items() if k in classes}
        if kind == 'service':
            value = {k: v for k, v in value.items() if k in services}
        if kind == 'xml' and isinstance(value, list):
            value = [i for i in value if i['file'] in files]
        out[kind] = value
    return out


def main():
    os.makedirs(os.path.join(HERE, 'cases'), exist_ok=True)
    problems, total = [], 0
    for control_id, cases in CASES.items():
        control = json.load(open(os.path.join(HERE, 'Controls', f'EDCA-{control_id}.json')))
        rendered = []
        for name, role, base, edits, expect in cases:
            facts = copy.deepcopy(HOSTS[base])
            for edit in edits: edit(facts)
            got, evidence = ref.evaluate(facts, role, control_id)
            if got != expect:
                problems.append(f'{control_id} "{name}": stated {expect}, reference gives {got}: {evidence}')
            rendered.append({'name': name, 'role': role, 'expect': expect, 'referenceEvidence': evidence, 'facts': trim(facts, control)})
            total += 1
        kinds = {c['expect'] for c in rendered}
        # SEC-015 never fails by design; TLS-036 waits for the Exchange stage.
        wanted = {'Pass', 'Fail', 'Unknown'} - {'SEC-015': {'Fail'}, 'TLS-036': {'Pass', 'Fail'}}.get(control_id, set())
        for needed_status in sorted(wanted - kinds):
            problems.append(f'{control_id}: no {needed_status} case')
        with open(os.path.join(HERE, 'cases', f'EDCA-{control_id}.json'), 'w') as f:
            json.dump({'control': f'EDCA-{control_id}', 'draft': True, 'scanTime': '2026-12-03T09:00:00Z', 'cases': rendered}, f, indent=2)
            f.write('\n')
    print(f'{total} cases in {len(CASES)} files')
    for p in problems: print('PROBLEM:', p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
