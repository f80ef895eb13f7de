#!/usr/bin/env python3
"""Reference evaluation of the 29 draft rules over a lab-facts host folder (an executable reading of controls.md).

Not the engine, and not wired into anything: a table of expected verdicts for the implementer's tests, computed from
the same rules that controls.md states. Usage: reference_eval.py lab-facts/mbx-default Mailbox [2026-12-03T09:00:00Z]
"""
import json, math, os, re, sys
from datetime import datetime, timezone


def load(folder):
    facts = {}
    for name in os.listdir(folder):
        if name.endswith('.json'):
            with open(os.path.join(folder, name)) as f:
                facts[name[:-5]] = json.load(f)
    return facts


def when(text):
    return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)


def is_error(answer):
    return isinstance(answer, dict) and 'state' in answer and answer['state'] in ('denied', 'error', 'absent', 'notInstalled', 'fileAbsent', 'parseError')


class Host:
    def __init__(self, facts, role, scan_time):
        self.f, self.role, self.now = facts, role, scan_time
        self.reg = facts.get('registry', {})

    def reg_value(self, key, value):
        k = self.reg.get(key)
        if k is None:
            return None
        v = k.get(value)
        return None if v is None else v['data']

    def cim(self, cls):
        answer = self.f['cim'].get(cls)
        if answer is None or is_error(answer):
            return None
        return answer['instances']

    def line(self):
        setup = 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup'
        major, minor = self.reg_value(setup, 'MsiProductMajor'), self.reg_value(setup, 'MsiProductMinor')
        return None if major is None else f'{major}.{minor}'

    def install(self):
        path = self.reg_value('HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'MsiInstallPath')
        return None if path is None else path.rstrip('\\')

    def build(self):
        return self.reg_value('HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'OwaVersion')

    def xml(self, select_suffix, file=None):
        for item in self.f['xml']:
            if item['select'].endswith(select_suffix) and (file is None or item['file'] == file):
                return item['answer']
        return {'state': 'error', 'message': 'not collected'}

    def service(self, name):
        return self.f['service'].get(name, {'state': 'error', 'message': 'not collected'})


def version_tuple(text):
    return tuple(int(x) for x in text.split('.'))


def only(role, *roles):
    return role in roles


# Each rule returns (status, evidence).
RULES = {}


def rule(control_id, roles):
    def register(function):
        RULES[control_id] = (roles, function)
        return function
    return register


@rule('DATA-001', ['Mailbox'])
def data_001(h):
    store = h.f['certificate'].get('LocalMachine\\My')
    if store is None or is_error(store):
        return 'Unknown', ['certificate store unreadable']
    prefix = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\'
    bound = {}
    for key, values in h.reg.items():
        if key.startswith(prefix + 'SslBindingInfo\\') or key.startswith(prefix + 'SslSniBindingInfo\\'):
            if values is None:
                return 'Unknown', [f'{key} unreadable']
            store_name = values.get('SslCertStoreName', {'data': 'MY'})['data']
            if store_name.upper() == 'MY' and 'SslCertHash' in values:
                bound[values['SslCertHash']['data'].upper()] = key.rsplit('\\', 1)[1]
    certs = {c['thumbprint'].upper(): c for c in store['entries']}
    expired = [c for t, c in certs.items() if t in bound and when(c['notAfter']) < h.now]
    if expired:
        return 'Fail', [f"{bound[c['thumbprint']]} -> {c['subject']} expired {c['notAfter']}" for c in expired]
    missing = [b for t, b in bound.items() if t not in certs]
    if missing:
        return 'Unknown', [f'binding {b} names a certificate that is not in the store' for b in missing]
    unbound = [c for t, c in certs.items() if t not in bound and c['hasPrivateKey'] and when(c['notAfter']) < h.now]
    if unbound:
        return 'Unknown', [f"{c['subject']} ({c['thumbprint'][:8]}...) expired {c['notAfter']}, has a private key, not bound in HTTP.sys: may be SMTP/IMAP/POP" for c in unbound]
    return 'Pass', [f"{b}: {certs[t]['subject']} valid until {certs[t]['notAfter']}" for t, b in bound.items()]


@rule('DATA-009', ['Mailbox'])
def data_009(h):
    sites = h.xml('/sites/site')
    if is_error(sites) or not sites['matches']:
        return 'Unknown', ['applicationHost.config unreadable or no site']
    native = {m['../@name'].lower(): m for m in h.xml('/sites/site/hsts')['matches']}
    headers = h.xml("[@name='Strict-Transport-Security']")
    headers = [] if is_error(headers) else headers['matches']
    evidence, statuses = [], []
    for site in (m['@name'] for m in sites['matches']):
        # Each place that switches HSTS on for the site: (where, max-age, redirect).
        instances = []
        n = native.get(site.lower())
        if n is not None and n.get('@enabled') == 'true':
            instances.append(('native', int(n.get('@max-age') or 0), n.get('@redirectHttpToHttps') == 'true'))
        for header in headers:
            path = (header.get('../../../../@path') or '').lower()
            if path == site.lower() or path.startswith(site.lower() + '/'):
                value = header.get('@value') or ''
                age = re.search(r'(?i)max-age\s*=\s*(\d+)', value)
                instances.append((f"header at {header.get('../../../../@path')}", int(age.group(1)) if age else 0, False))
        if not instances:
            evidence.append(f'{site}: HSTS off')
            continue
        for where, age, redirect in instances:
            if site.lower() == 'exchange back end':
                statuses.append('Fail'); evidence.append(f'{site} ({where}): HSTS on the back end site')
            elif redirect:
                statuses.append('Fail'); evidence.append(f'{site} ({where}): redirectHttpToHttps')
            elif age < 31536000:
                statuses.append('Unknown'); evidence.append(f'{site} ({where}): max-age {age} shorter than one year')
            else:
                evidence.append(f'{site} ({where}): HSTS on, max-age {age}')
    return ('Fail' if 'Fail' in statuses else 'Unknown' if 'Unknown' in statuses else 'Pass'), evidence


@rule('DATA-018', ['Mailbox', 'Edge'])
def data_018(h):
    policy = h.reg_value('HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002', 'Functions')
    if policy:
        names = [n.strip() for n in policy.split(',') if not n.strip().startswith(('TLS_AES_', 'TLS_CHACHA20_'))]
        source = 'Group Policy order'
    elif not is_error(h.f['tlsCipherSuite']):
        names = [s['name'] for s in h.f['tlsCipherSuite']['suites'] if 771 in s['protocols']]
        source = 'Get-TlsCipherSuite'
    else:
        return 'Unknown', ['no cipher suite source']
    if not names:
        return 'Unknown', ['no TLS 1.2 suite']
    non_pfs = [n for n in names if '_ECDHE_' not in n and '_DHE_' not in n]
    first = lambda marker: next((i for i, n in enumerate(names) if marker in n), None)
    dhe, ecdhe = first('_DHE_'), first('_ECDHE_')
    evidence = [f'{source}: {len(names)} TLS 1.2 suites']
    if non_pfs:
        return 'Fail', evidence + [f'no forward secrecy: {", ".join(non_pfs)}']
    if dhe is not None and (ecdhe is None or dhe < ecdhe):
        return 'Fail', evidence + ['DHE ahead of ECDHE']
    return 'Pass', evidence


@rule('GOV-003', ['Mailbox'])
def gov_003(h):
    s = h.service('MSExchangeMitigation')
    if is_error(s):
        return 'Unknown', [f"MSExchangeMitigation {s['state']}"]
    if not s['present']:
        return 'Unknown', ['MSExchangeMitigation not installed']
    ok = s['state'] == 'Running' and s['startMode'] == 'Auto'
    return ('Pass' if ok else 'Fail'), [f"MSExchangeMitigation state={s['state']} startMode={s['startMode']}"]


@rule('MON-009', ['Mailbox', 'Edge'])
def mon_009(h):
    out = []
    for key, default in (('NormalPriorityMessageExpirationTimeout', '2.00:00:00'), ('CriticalPriorityMessageExpirationTimeout', '0.04:00:00')):
        answer = h.xml(f"[@key='{key}']")
        if is_error(answer):
            return ('Fail' if answer['state'] == 'fileAbsent' else 'Unknown'), [f"EdgeTransport.exe.config {answer['state']}"]
        if answer['matches']:
            value = answer['matches'][0]['@value']
            if not re.fullmatch(r'(\d+\.)?\d{1,2}:\d{2}:\d{2}', value or ''):
                return 'Unknown', [f'{key} = {value!r} is not a time span']
            out.append(f'{key} = {value}')
        else:
            out.append(f'{key} not set; Exchange default {default}')
    return 'Pass', out


@rule('PERF-003', ['Mailbox', 'Edge'])
def perf_003(h):
    cpus, cs = h.cim('root\\cimv2:Win32_Processor'), h.cim('root\\cimv2:Win32_ComputerSystem')
    if not cpus or not cs:
        return 'Unknown', ['processor facts unreadable']
    cores, logical = sum(c['NumberOfCores'] for c in cpus), cs[0]['NumberOfLogicalProcessors']
    if cores <= 0 or logical <= 0:
        return 'Unknown', ['no processor count']
    return ('Fail' if logical > cores else 'Pass'), [f'{cores} cores, {logical} logical processors']


@rule('PERF-004', ['Mailbox'])
def perf_004(h):
    answer = h.xml('/configuration/nodeRunnerSettings')
    if is_error(answer) or not answer['matches'] or answer['matches'][0].get('@memoryLimitMegabytes') is None:
        return 'Unknown', ['memoryLimitMegabytes not readable']
    value = answer['matches'][0]['@memoryLimitMegabytes']
    if value == '0':
        return 'Pass', ['memoryLimitMegabytes = 0']
    return 'Fail', [f'memoryLimitMegabytes = {value}']


@rule('PERF-006', ['Mailbox', 'Edge'])
def perf_006(h):
    cs = h.cim('root\\cimv2:Win32_ComputerSystem')
    if not cs:
        return 'Unknown', ['Win32_ComputerSystem unreadable']
    logical, line = cs[0]['NumberOfLogicalProcessors'], h.line()
    if logical <= 24:
        return 'Pass', [f'{logical} logical processors']
    if line is None:
        return 'Unknown', [f'{logical} logical processors, product line unknown']
    limit = 24 if line == '15.1' else 48
    return ('Fail' if logical > limit else 'Pass'), [f'{logical} logical processors, limit {limit} for {line}']


def adapters(h):
    answer = h.f['netAdapter']
    return None if is_error(answer) else answer['adapters']


@rule('PERF-007', ['Mailbox', 'Edge'])
def perf_007(h):
    rows = adapters(h)
    if rows is None:
        return 'Unknown', ['adapters unreadable']
    candidates = [a for a in rows if a['status'] == 'Up' and a['rssEnabled'] is not None]
    if not candidates:
        return 'Unknown', ['no connected adapter reports RSS']
    off = [a['name'] for a in candidates if not a['rssEnabled']]
    return ('Fail' if off else 'Pass'), ([f'RSS off: {", ".join(off)}'] if off else [f'RSS on: {", ".join(a["name"] for a in candidates)}'])


@rule('PERF-008', ['Mailbox', 'Edge'])
def perf_008(h):
    p = h.f['pageFile']
    if is_error(p.get('automaticManaged')) or is_error(p.get('settings')):
        return 'Unknown', ['page file settings unreadable']
    if p['automaticManaged']:
        return 'Fail', ['Windows manages the page file size']
    n = len(p['settings'])
    return ('Pass' if n == 1 else 'Fail'), [f'{n} page file(s)']


@rule('PERF-009', ['Mailbox', 'Edge'])
def perf_009(h):
    rows = adapters(h)
    if rows is None:
        return 'Unknown', ['adapters unreadable']
    candidates = [a for a in rows if a['interfaceDescription'] != 'Remote NDIS Compatible Device']
    if any(is_error(a['pnpCapabilities']) for a in candidates):
        return 'Unknown', ['adapter power settings unreadable']
    bad = [f"{a['name']} PnPCapabilities={a['pnpCapabilities']}" for a in candidates if a['pnpCapabilities'] not in (24, 280)]
    return ('Fail' if bad else 'Pass'), (bad or [f'{len(candidates)} adapter(s) at 24/280'])


@rule('PERF-011', ['Mailbox', 'Edge'])
def perf_011(h):
    rows = adapters(h)
    if rows is None:
        return 'Unknown', ['adapters unreadable']
    vmx = [a for a in rows if re.search('vmxnet3', a['interfaceDescription'], re.I)]
    if not vmx:
        return 'Skipped', ['no VMXNET3 adapter']
    worst = max(a['receivedDiscarded'] for a in vmx)
    ev = [f"{a['name']}: {a['receivedDiscarded']} received packets discarded; ring {a['advanced'].get('RxRing1Size', {}).get('value')} (4096 recommended), small buffers {a['advanced'].get('RxSmallBufferSize', {}).get('value')} (8192)" for a in vmx]
    return ('Fail' if worst >= 1000 else 'Unknown' if worst > 0 else 'Pass'), ev


@rule('PERF-013', ['Mailbox', 'Edge'])
def perf_013(h):
    p = h.f['pageFile']
    if p['automaticManaged'] or len(p['settings']) != 1:
        return 'Skipped', ['no single fixed page file (EDCA-PERF-008)']
    mem = h.cim('root\\cimv2:Win32_PhysicalMemory')
    ram_mb = sum(m['Capacity'] for m in mem) // 1048576 if mem else None
    line = h.line()
    if ram_mb is None or line is None:
        return 'Unknown', ['memory or product line unknown']
    target = math.ceil(ram_mb / 4) if line == '15.2' else min(ram_mb + 10, 32778)
    s = p['settings'][0]
    ev = [f"{s['name']} {s['initialSize']}/{s['maximumSize']} MB; installed {ram_mb} MB; target {target} MB"]
    if s['initialSize'] == 0 and s['maximumSize'] == 0:
        return 'Fail', ev + ['system-managed size']
    ok = s['initialSize'] == s['maximumSize'] and abs(s['initialSize'] - target) <= 10
    return ('Pass' if ok else 'Fail'), ev


@rule('PERF-016', ['Mailbox', 'Edge'])
def perf_016(h):
    rows = adapters(h)
    if rows is None:
        return 'Unknown', ['adapters unreadable']
    candidates = [a for a in rows if a['ipEnabled']]
    if not candidates:
        return 'Unknown', ['no IP-enabled adapter']
    values = [a['tcpAckFrequency'] for a in candidates]
    ev = [f"{a['name']} TcpAckFrequency={'not set' if a['tcpAckFrequency'] is None else a['tcpAckFrequency']}" for a in candidates]
    if any(v is not None and v >= 3 for v in values):
        return 'Fail', ev
    if 1 in values:
        return 'Unknown', ev
    return 'Pass', ev


def platform(h):
    rows = h.cim('root\\cimv2:Win32_ComputerSystem')
    if not rows:
        return None
    cs = rows[0]
    text = f"{cs['Manufacturer']} {cs['Model']}"
    if re.search('vmware', text, re.I):
        return 'VMware'
    if cs['Manufacturer'] == 'Microsoft Corporation' and re.search('virtual', cs['Model'], re.I):
        return 'HyperV'
    if re.search('virtual', cs['Model'], re.I):
        return 'Virtual'
    return 'Physical'


@rule('PERF-017', ['Mailbox', 'Edge'])
def perf_017(h):
    kind = platform(h)
    if kind is None:
        return 'Unknown', ['Win32_ComputerSystem unreadable']
    if kind != 'VMware':
        return 'Skipped', ['not a VMware virtual machine']
    running = [n for n in ('vsepflt', 'vnetflt') if h.service(n).get('state') == 'Running']
    ev = [f"{n} {h.service(n).get('state', 'absent')} ({h.service(n).get('startMode', '-')})" for n in ('vsepflt', 'vnetflt')]
    return ('Fail' if running else 'Pass'), ev


@rule('RES-002', ['Mailbox', 'Edge'])
def res_002(h):
    tmp_answer = h.xml("[@key='TemporaryStoragePath']")
    paths_answer = h.xml('/MaintenanceDefinition/ExtensionAttributes')
    if is_error(tmp_answer) or is_error(paths_answer) or h.install() is None:
        return 'Unknown', ['a configuration file is unreadable']
    tmp = tmp_answer['matches'][0]['@value'] if tmp_answer['matches'] else h.install() + '\\TransportRoles\\data\\Temp'
    paths = paths_answer['matches'][0].get('@CleanupFolderResponderFolderPaths') if paths_answer['matches'] else None
    if not paths:
        return 'Fail', ['no cleanup folder configured']
    wanted = (tmp.rstrip('\\') + '\\UnifiedContent').lower()
    cleaned = [p.strip().rstrip('\\').lower() for p in paths.split(';') if p.strip()]
    return ('Pass' if wanted in cleaned else 'Fail'), [f'expected {wanted}', f'cleaned {"; ".join(cleaned)}']


@rule('SEC-010', ['Mailbox', 'Edge'])
def sec_010(h):
    v = h.f['volume']
    system = next((x for x in v['volumes'] if x['driveLetter'].lower() == v['systemDrive'].lower()), None)
    if system is None or not system['fileSystem']:
        return 'Unknown', ['system volume not found']
    return ('Pass' if system['fileSystem'].upper() == 'NTFS' else 'Fail'), [f"{system['driveLetter']} {system['fileSystem']}"]


@rule('SEC-015', ['Mailbox'])
def sec_015(h):
    answer = h.f['directory'][0]['answer']
    if is_error(answer) or not answer['subdirectories']:
        return 'Unknown', ['engine folder missing or unreadable']
    bad = [d for d in answer['subdirectories'] if d.isdigit() and int(d) >= 2201010000]
    return ('Unknown' if bad else 'Pass'), ([f'January 2022 engine folder: {", ".join(bad)}'] if bad else [f'engines: {", ".join(answer["subdirectories"])}'])


@rule('SEC-016', ['Mailbox'])
def sec_016(h):
    items = [i for i in h.f['file'] if i['path'].endswith('web.config')]
    bad = [i['path'] for i in items if not is_error(i['answer']) and (not i['answer']['exists'] or i['answer']['isXml'] is False)]
    if bad:
        return 'Fail', [f'missing or invalid: {p}' for p in bad]
    if any(is_error(i['answer']) for i in items):
        return 'Unknown', ['a web.config is unreadable']
    return 'Pass', [f'{len(items)} web.config files present and valid']


@rule('SEC-019', ['Mailbox', 'Edge'])
def sec_019(h):
    d = h.f['defender']
    if is_error(d) or d['status']['amRunningMode'] in ('Passive Mode', 'EDR Block Mode') or not d['status']['realTimeProtectionEnabled']:
        return 'Skipped', ['Defender absent, passive or not scanning in real time']
    if is_error(d['preferences']):
        return 'Unknown', ['exclusions unreadable']
    i = h.install()
    if h.role == 'Edge':
        folders = ['TransportRoles\\Data\\Queue', 'TransportRoles\\Data\\SenderReputation', 'TransportRoles\\Data\\Temp', 'TransportRoles\\Logs', 'Logging']
        procs = ['EdgeTransport.exe', 'MSExchangeTransport.exe', 'MSExchangeTransportLogSearch.exe']
    else:
        folders = ['Mailbox', 'ClientAccess\\OAB', 'FIP-FS', 'GroupMetrics', 'Logging', 'TransportRoles\\Data\\Queue', 'TransportRoles\\Data\\SenderReputation', 'TransportRoles\\Data\\Temp', 'TransportRoles\\Logs', 'Working\\OleConverter']
        if h.line() == '15.1':
            folders += ['UnifiedMessaging\\Grammars', 'UnifiedMessaging\\Prompts', 'UnifiedMessaging\\Temp', 'UnifiedMessaging\\Voicemail']
        procs = ['EdgeTransport.exe', 'MSExchangeDelivery.exe', 'MSExchangeFrontendTransport.exe', 'MSExchangeHMHost.exe', 'MSExchangeMailboxAssistants.exe', 'MSExchangeMailboxReplication.exe', 'MSExchangeRepl.exe', 'MSExchangeSubmission.exe', 'MSExchangeTransport.exe', 'MSExchangeTransportLogSearch.exe', 'MSExchangeThrottling.exe', 'OleConverter.exe']
    norm = lambda p: p.rstrip('\\').lower()
    paths = [norm(p) for p in d['preferences']['exclusionPath']]
    processes = [norm(p) for p in d['preferences']['exclusionProcess']]
    covered = lambda item, pool: any(item == p or item.startswith(p + '\\') for p in pool)
    missing = [f for f in folders if not covered(norm(i + '\\' + f), paths)]
    missing += [p for p in procs if not covered(norm(i + '\\Bin\\' + p), processes + paths)]
    if not missing:
        return 'Pass', [f'{len(folders)} folders and {len(procs)} processes excluded']
    wild = any('*' in p or '%' in p for p in paths + processes)
    return ('Unknown' if wild else 'Fail'), [f'not excluded: {", ".join(missing)}']


@rule('SEC-021', ['Mailbox'])
def sec_021(h):
    names = ['MSExchangePOP3', 'MSExchangeIMAP4', 'MSExchangePOP3BE', 'MSExchangeIMAP4BE']
    answers = {n: h.service(n) for n in names}
    running = [n for n, s in answers.items() if s.get('present') and s['state'] == 'Running']
    ev = [f"{n} {s.get('state', 'absent')} ({s.get('startMode', '-')})" for n, s in answers.items()]
    if running:
        return 'Fail', ev
    if any(is_error(s) for s in answers.values()) or not any(s.get('present') for s in answers.values()):
        return 'Unknown', ev
    return 'Pass', ev


@rule('SEC-025', ['Mailbox', 'Edge'])
def sec_025(h):
    answer = h.f['firewallProfile']
    if is_error(answer):
        return 'Unknown', ['firewall profiles unreadable']
    by = {p['name']: p['enabled'] for p in answer['profiles']}
    if any(n not in by for n in ('Domain', 'Private', 'Public')):
        return 'Unknown', ['a profile is missing']
    off = [n for n in ('Domain', 'Private', 'Public') if not by[n]]
    return ('Fail' if off else 'Pass'), ([f'off: {", ".join(off)}'] if off else ['Domain, Private and Public on (active store)'])


@rule('SEC-026', ['Mailbox', 'Edge'])
def sec_026(h):
    build = int(h.reg_value('HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', 'CurrentBuildNumber'))
    if build < 17763:
        return 'Skipped', [f'build {build}']
    d = h.f['defender']
    if is_error(d) or is_error(d['status']):
        return 'Unknown', ['Defender absent or unreadable']
    if d['status']['amRunningMode'] in ('Passive Mode', 'EDR Block Mode'):
        return 'Skipped', [d['status']['amRunningMode']]
    rtp = d['status']['realTimeProtectionEnabled']
    if rtp is None:
        return 'Unknown', ['real-time protection state unknown']
    return ('Pass' if rtp else 'Fail'), [f'RealTimeProtectionEnabled = {rtp}']


@rule('SEC-027', ['Mailbox'])
def sec_027(h):
    answer = h.f['iisModules']
    if is_error(answer):
        return 'Unknown', ['applicationHost.config unreadable']
    mods = answer['modules']
    bad = [m['name'] for m in mods if m['imageExists'] and m['signatureStatus'] in ('NotSigned', 'HashMismatch')]
    if bad:
        return 'Fail', [f'unsigned or tampered: {", ".join(bad)}']
    doubtful = [m['name'] for m in mods if not m['imageExists'] or m['signatureStatus'] not in ('Valid',) or not re.search(r'(^|, )O=Microsoft Corporation(,|$)', m['signerSubject'] or '')]
    if doubtful:
        return 'Unknown', [f'to review: {", ".join(doubtful)}']
    return 'Pass', [f'{len(mods)} modules signed by Microsoft']


@rule('SEC-028', ['Mailbox', 'Edge'])
def sec_028(h):
    kind = platform(h)
    if kind is None:
        return 'Unknown', ['Win32_ComputerSystem unreadable']
    if kind == 'Physical':
        return 'Skipped', ['physical server']
    ram_gb = h.cim('root\\cimv2:Win32_ComputerSystem')[0]['TotalPhysicalMemory'] / 1073741824
    if kind == 'HyperV':
        rows = h.cim('root\\cimv2:Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService')
        if not rows:
            return 'Unknown', ['dynamic memory counters unreadable']
        maximum = rows[0]['MaximumMemoryMBytes'] / 1024
        return ('Fail' if abs(maximum - ram_gb) > 0.25 else 'Pass'), [f'maximum {maximum:.2f} GB, seen {ram_gb:.2f} GB']
    if kind == 'VMware':
        rows = h.cim('root\\cimv2:Win32_PerfRawData_vmGuestLib_VMMemory')
        if not rows:
            return 'Unknown', ['VMware memory counters unreadable']
        reserved = rows[0]['MemoryReservationinMB'] / 1024
        return ('Fail' if ram_gb - reserved > 0.25 else 'Pass'), [f'reserved {reserved:.2f} GB of {ram_gb:.2f} GB']
    return 'Unknown', ['unrecognised hypervisor']


@rule('SEC-029', ['Mailbox', 'Edge'])
def sec_029(h):
    rows = h.cim('root\\cimv2:Win32_OptionalFeature')
    if rows is None:
        return 'Unknown', ['optional features unreadable']
    on = [r['Name'] for r in rows if r['InstallState'] == 1]
    return ('Fail' if on else 'Pass'), ([f'installed: {", ".join(on)}'] if on else ['MSMQ features not installed'])


@rule('SEC-031', ['Mailbox'])
def sec_031(h):
    answer = h.f['iisModules']
    if is_error(answer):
        return 'Unknown', ['applicationHost.config unreadable']
    if not any(m['name'] == 'TokenCacheModule' for m in answer['modules']):
        return 'Unknown', ['TokenCacheModule not loaded: mitigation in place; restore it once Windows has the October 2023 update']
    key = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'
    build, ubr = h.reg_value(key, 'CurrentBuildNumber'), h.reg_value(key, 'UBR')
    if build is None or ubr is None:
        return 'Unknown', ['Windows build or update revision unknown']
    # First Windows cumulative update with the IIS fix (CVE-2023-36434), October 2023, per OS build (to verify).
    fixed = {14393: 6351, 17763: 4974, 20348: 2031}
    build = int(build)
    if build not in fixed:
        ok = build > max(fixed)
    else:
        ok = int(ubr) >= fixed[build]
    return ('Pass' if ok else 'Fail'), [f'TokenCacheModule loaded; Windows {build}.{ubr}']


@rule('SEC-035', ['Mailbox', 'Edge'])
def sec_035(h):
    answer = h.f['acl'][0]['answer']
    if is_error(answer) or not answer['aces']:
        return 'Unknown', ['ACL unreadable']
    write_mask = 0x2 | 0x4 | 0x10 | 0x40 | 0x100 | 0x10000 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000
    trusted = {'S-1-5-18', 'S-1-5-32-544', 'S-1-3-0', 'S-1-5-20', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464'}
    bad = [a for a in answer['aces'] if a['type'] == 'Allow' and a['rights'] & write_mask and a['sid'] not in trusted
           and (a['identity'] or '').split('\\')[-1].lower() != 'exchange trusted subsystem']
    return ('Fail' if bad else 'Pass'), ([f"{a['identity'] or a['sid']} 0x{a['rights']:X}{' (inherited)' if a['isInherited'] else ''}" for a in bad] or [f"{len(answer['aces'])} entries, write access only for trusted principals"])


@rule('TLS-036', ['Edge'])
def tls_036(h):
    return 'Unknown', ['SMTP assignment needs the Exchange stage']


def evaluate(facts, role, control_id, scan_time=datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)):
    """The (status, evidence) of one control on one host's facts."""
    roles, function = RULES[control_id]
    if role not in roles:
        return 'Skipped', ['role']
    return function(Host(facts, role, scan_time))


def main():
    folder, role = sys.argv[1], sys.argv[2]
    scan_time = when(sys.argv[3]) if len(sys.argv) > 3 else datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    h = Host(load(folder), role, scan_time)
    for control_id in sorted(RULES):
        roles, function = RULES[control_id]
        status, evidence = ('Skipped', ['role']) if role not in roles else function(h)
        print(f'EDCA-{control_id:9} {status:8} {" | ".join(evidence)}')


if __name__ == '__main__':
    main()
