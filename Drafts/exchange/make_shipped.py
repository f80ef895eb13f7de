#!/usr/bin/env python3
"""Writes the shipped Exchange controls (Controls/EDCA-*.json) and their case files (Tests/ControlCases/EDCA-*.json)
from the drafts: prose and metadata from Controls/ (the drafts), the real check from shipped_checks.py, the cases
from cases/ (the drafted verdicts, checked against reference_eval.py) plus the cases below. Before writing, every
case is evaluated with a small reading of the check language (`verdict` below) and the script refuses to write
when a verdict differs from the stated one; the Swift engine (ShippedControlCaseTests) is the judge afterwards.

python3 make_shipped.py            # write
python3 make_shipped.py --check    # evaluate only
python3 make_shipped.py EDCA-RES-001 EDCA-PERF-014    # write these only
"""
import copy
import json
import os
import re
import sys

from shipped_checks import CHECKS, DEPARTURES, EDITS, GB, IAC009_PROTOCOLS, RES001_SERVICES, SETUP

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
ORDER = ['id', 'title', 'description', 'verify', 'subject', 'category', 'severity', 'severityWeight', 'frameworks',
         'references', 'requirements', 'remediation', 'considerations', 'roles', 'check']
DENIED = {'class': 'denied', 'message': 'Active Directory operation failed: access is denied.'}
NO_CREDENTIAL = {'class': 'exchange.no-network-credentials',
                 'message': 'the session has no network credential; Active Directory cannot be read'}


CS = 'root\\cimv2:Win32_ComputerSystem'  # a snapshot names a CIM class by its address


def regdword(n):
    return {'type': 'REG_DWORD', 'data': n}


def setup_key(minor, build, revision, se=False):
    values = {'OwaVersion': {'type': 'REG_SZ', 'data': '15.%d.%d.%d' % (minor, build, revision)},
              'MsiProductMajor': regdword(15), 'MsiProductMinor': regdword(minor),
              'MsiBuildMajor': regdword(build), 'MsiBuildMinor': regdword(revision)}
    if se:
        values['IsExchangeServerSubscriptionEdition'] = regdword(1)
    return values


# The product line of each lab host (lab-facts/README.md): Contoso runs Exchange SE, Fabrikam Exchange 2019 CU14.
HOST_SETUP = {'MBX01': setup_key(2, 2562, 17, se=True), 'MBX03': setup_key(2, 2562, 17, se=True),
              'MBX04': setup_key(2, 2562, 17, se=True), 'EDGE01': setup_key(2, 2562, 17, se=True),
              'MBX02': setup_key(2, 1544, 4)}
EXCHANGE_2016 = setup_key(1, 2507, 6)
# Controls whose check also reads the Setup key.
NEEDS_SETUP = {'EDCA-IAC-013', 'EDCA-DATA-004'}

# Drafted cases whose verdict changes with the shipped check, and why (each stated in the control's
# considerations through DEPARTURES, or a case that cannot be expressed in a snapshot).
CHANGED = {
    # Contoso keeps a second policy that allows IMAP for a scanner: the check cannot tell which policy is the default.
    ('EDCA-IAC-009', 'Contoso as collected'): 'Unknown',
    ('EDCA-IAC-009', 'IMAP allowed by the default policy'): 'Unknown',
    ('EDCA-IAC-009', 'default names a missing policy'): 'Unknown',
}
# The drafted TLS-029 cases left out the send connectors' Enabled (all of them are enabled in lab-facts).
ADD_PROPERTIES = {('EDCA-TLS-029', 'SendConnector'): {'Enabled': True}}
DROPPED = {
    ('EDCA-GOV-001', 'truncated, nothing seen'),  # a snapshot has no row-limit flag
}


def snap(facts=None, stage_error=None, setup=None, registry=None, **other):
    s = {'edcaSnapshot': 2}
    reg = dict(registry or {})
    if setup is not None:
        reg[SETUP] = setup
    if reg:
        s['registry'] = reg
    s.update(other)
    if facts is not None or stage_error is not None:
        s['exchange'] = {'stage': {'error': stage_error}} if stage_error else {'facts': facts}
    return s


def running(names, **changes):
    out = {n: {'state': 'Running', 'startMode': 'Auto'} for n in names}
    for name, value in changes.items():
        out[name] = value
    return out


def extra_cases():
    """Cases beyond the drafts: the stage error, the 2016 product line, and the controls without drafted cases."""
    mbx, edge = RES001_SERVICES['Mailbox'], RES001_SERVICES['Edge']
    mem = lambda gb: {CS: [{'TotalPhysicalMemory': int(gb * GB)}]}
    return {
        'EDCA-IAC-009': [
            ('every policy blocks Basic authentication', 'Mailbox', 'Pass',
             snap({'OrganizationConfig': {'rows': [{'OAuth2ClientProfileEnabled': True, 'DefaultAuthenticationPolicy': 'Block Basic Auth'}]},
                   'AuthenticationPolicy': {'rows': [dict({'Name': 'Block Basic Auth'}, **{'AllowBasicAuth' + p: False for p in IAC009_PROTOCOLS})]}})),
            ('modern authentication off', 'Mailbox', 'Unknown',
             snap({'OrganizationConfig': {'rows': [{'OAuth2ClientProfileEnabled': False, 'DefaultAuthenticationPolicy': None}]},
                   'AuthenticationPolicy': {'rows': []}})),
        ],
        'EDCA-IAC-013': [
            ('Exchange 2016 with forms authentication off', 'Mailbox', 'Pass',
             snap({'OwaVirtualDirectory': {'rows': [{'Identity': 'MBX05\\owa (Default Web Site)', 'FormsAuthentication': False}]}},
                  setup=EXCHANGE_2016)),
            ('Exchange 2016 with forms authentication on', 'Mailbox', 'Fail',
             snap({'OwaVirtualDirectory': {'rows': [{'Identity': 'MBX05\\owa (Default Web Site)', 'FormsAuthentication': True}]}},
                  setup=EXCHANGE_2016)),
            ('product line unknown', 'Mailbox', 'Unknown',
             snap({'OwaVirtualDirectory': {'rows': [{'Identity': 'MBX05\\owa (Default Web Site)', 'FormsAuthentication': True}]}})),
        ],
        'EDCA-DATA-004': [
            ('Exchange 2016 with the registry switch', 'Mailbox', 'Pass',
             snap({'SettingOverride': {'rows': []}}, setup=EXCHANGE_2016,
                  registry={'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics':
                            {'EnableSerializationDataSigning': regdword(1)}})),
            ('Exchange 2016 without override or switch', 'Mailbox', 'Fail',
             snap({'SettingOverride': {'rows': []}}, setup=EXCHANGE_2016)),
        ],
        'EDCA-RES-001': [
            ('every required Mailbox service running', 'Mailbox', 'Pass', snap(services=running(mbx))),
            ('every required Edge service running', 'Edge', 'Pass', snap(services=running(edge))),
            ('the Information Store stopped', 'Mailbox', 'Fail',
             snap(services=running(mbx, MSExchangeIS={'state': 'Stopped', 'startMode': 'Auto'}))),
            ('EdgeSync disabled', 'Mailbox', 'Fail',
             snap(services=running(mbx, MSExchangeEdgeSync={'state': 'Stopped', 'startMode': 'Disabled'}))),
            ('a manual service stopped', 'Mailbox', 'Pass',
             snap(services=running(mbx, MSExchangeDiagnostics={'state': 'Stopped', 'startMode': 'Manual'}))),
            ('a service not installed', 'Edge', 'Pass',
             snap(services={k: v for k, v in running(edge).items() if k != 'MSExchangeAntispamUpdate'})),
            ('the transport service unreadable', 'Edge', 'Unknown', snap(services=running(edge, MSExchangeTransport=None))),
        ],
        'EDCA-PERF-014': [
            ('Exchange SE Mailbox with 64 GB', 'Mailbox', 'Pass', snap(setup=HOST_SETUP['MBX01'], cim=mem(63.9))),
            ('Exchange SE Mailbox with 16 GB', 'Mailbox', 'Fail', snap(setup=HOST_SETUP['MBX01'], cim=mem(15.9))),
            ('Exchange SE Mailbox with 512 GB', 'Mailbox', 'Fail', snap(setup=HOST_SETUP['MBX01'], cim=mem(511.8))),
            ('Exchange SE Mailbox just below 32 GB', 'Mailbox', 'Unknown', snap(setup=HOST_SETUP['MBX01'], cim=mem(31.8))),
            ('Exchange 2016 Mailbox with 16 GB', 'Mailbox', 'Pass', snap(setup=EXCHANGE_2016, cim=mem(15.9))),
            ('Exchange 2016 Edge with 2 GB', 'Edge', 'Fail', snap(setup=EXCHANGE_2016, cim=mem(2))),
            ('Exchange SE Edge with 16 GB', 'Edge', 'Pass', snap(setup=HOST_SETUP['EDGE01'], cim=mem(15.9))),
            ('memory unreadable', 'Mailbox', 'Unknown', snap(setup=HOST_SETUP['MBX01'], cim={CS: None})),
            ('product line unknown', 'Mailbox', 'Unknown', snap(cim=mem(64))),
        ],
    }


# ------------------------------------------------------------------------------------------------------------------
# A small reading of the check language, to catch a wrong translation before the Swift engine runs the cases.
# ------------------------------------------------------------------------------------------------------------------
COMPARISONS = ['equals', 'oneOf', 'atLeast', 'atMost', 'greaterThan', 'lessThan', 'between', 'equalsIgnoringCase',
               'matches', 'contains', 'emptyList', 'startsWith', 'containsText', 'versionAtLeast']


def num(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.lower() == 'unlimited':
        return float('inf')
    raise TypeError


def compare(name, operand, v):
    """True, False, or raises TypeError (Unknown)."""
    if name == 'equals':
        if isinstance(operand, bool):
            if not isinstance(v, bool) and v not in (0, 1):
                raise TypeError
            return bool(v) == operand
        if isinstance(operand, str):
            if not isinstance(v, str):
                raise TypeError
            return v == operand
        return num(v) == operand
    if name == 'oneOf':
        if isinstance(operand[0], str):
            if not isinstance(v, str):
                raise TypeError
            return v in operand
        return num(v) in operand
    if name in ('atLeast', 'atMost', 'greaterThan', 'lessThan', 'between'):
        n = num(v)
        return {'atLeast': lambda: n >= operand, 'atMost': lambda: n <= operand, 'greaterThan': lambda: n > operand,
                'lessThan': lambda: n < operand, 'between': lambda: operand[0] <= n <= operand[1]}[name]()
    if name == 'equalsIgnoringCase':
        if not isinstance(v, str):
            raise TypeError
        return v.lower() == operand.lower()
    if name == 'matches':
        if not isinstance(v, str):
            raise TypeError
        return re.search(operand, v) is not None
    if name == 'contains':
        if not isinstance(v, list):
            raise TypeError
        return any(isinstance(i, str) and i.lower() == operand.lower() for i in v)
    if name == 'emptyList':
        if not isinstance(v, list):
            raise TypeError
        return (not [i for i in v if i]) == operand
    if name in ('startsWith', 'containsText'):
        items = v if isinstance(v, list) else [v]
        if not all(isinstance(i, str) for i in items):
            raise TypeError
        f = (lambda s: s.lower().startswith(operand.lower())) if name == 'startsWith' else (lambda s: operand.lower() in s.lower())
        return any(f(i) for i in items)
    if name == 'versionAtLeast':
        parts = [int(x) for x in v.split('.')]
        want = [int(x) for x in operand.split('.')]
        return parts >= want
    raise ValueError(name)


def comparisons_of(node):
    return [(k, node[k]) for k in COMPARISONS if k in node]


def apply_rule(node, v):
    try:
        if 'cases' in node:
            for c in node['cases']:
                if all(compare(k, o, v) for k, o in comparisons_of(c)):
                    return c['status']
            return node['otherwise']
        return 'Pass' if all(compare(k, o, v) for k, o in comparisons_of(node)) else 'Fail'
    except TypeError:
        return 'Unknown'


def quantify(statuses, require):
    if require == 'all':
        return 'Fail' if 'Fail' in statuses else 'Unknown' if 'Unknown' in statuses else 'Pass'
    if require == 'any':
        return 'Pass' if 'Pass' in statuses else 'Unknown' if 'Unknown' in statuses else 'Fail'
    return 'Fail' if 'Pass' in statuses else 'Unknown' if 'Unknown' in statuses else 'Pass'


def rows_of(snapshot, key):
    exchange = snapshot.get('exchange')
    if exchange is None or 'stage' in exchange:
        return None
    fact = exchange['facts'].get(key)
    if fact is None or 'error' in fact:
        return None
    return fact['rows']


def matching(rows, where):
    out = []
    for r in rows:
        ok = True
        for cond in where or []:
            v = r.get(cond['property'])
            (k, o), = comparisons_of(cond)
            try:
                if v is None or not compare(k, o, v):
                    ok = False
            except TypeError:
                ok = False
        if ok:
            out.append(r)
    return out


def verdict(node, s, role):
    if 'applicableIf' in node:
        gate = verdict(node['applicableIf'], s, role)
        if gate == 'Fail':
            return 'Skipped'
        if gate in ('Unknown',):
            return 'Unknown'
        body = {k: v for k, v in node.items() if k != 'applicableIf'}
        return verdict(body, s, role)
    for kind in ('all', 'any', 'none'):
        if kind in node:
            statuses = [verdict(m, s, role) for m in node[kind]]
            statuses = [x for x in statuses if x != 'Skipped']
            if not statuses:
                return node.get('whenNoneApplies', 'Skipped')
            return quantify(statuses, kind)
    if 'role' in node:
        return 'Pass' if node['role'] == role else 'Fail'
    if 'exchange' in node:
        rows = rows_of(s, node['exchange'])
        if rows is None:
            return 'Unknown'
        rows = matching(rows, node.get('where'))
        if not rows:
            return node.get('whenNoneFound', 'Unknown')
        # A selected row without the property cannot be decided: Unknown.
        return quantify([apply_rule(node, r[node['property']]) if r.get(node['property']) is not None
                         else node.get('whenAbsent', 'Unknown') for r in rows], node['require'])
    if 'exchangeCountOf' in node:
        rows = rows_of(s, node['exchangeCountOf'])
        if rows is None:
            return 'Unknown'
        return apply_rule(node, len(matching(rows, node.get('where'))))
    if 'service' in node:
        services = s.get('services', {})
        if node['service'] not in services:
            return node.get('whenAbsent', 'Unknown')
        if services[node['service']] is None:
            return 'Unknown'
        return apply_rule(node, services[node['service']][node['field']])
    if 'cim' in node:
        instances = s.get('cim', {}).get('root\\cimv2:' + node['cim'])
        if instances is None:
            return 'Unknown'
        values = [i[node['property']] for i in instances if i.get(node['property']) is not None]
        if not values:
            return node.get('whenNoneFound', 'Unknown')
        return quantify([apply_rule(node, v) for v in values], node['require'])
    if 'key' in node:
        values = s.get('registry', {}).get(node['key'], {})
        name = node['value']
        if name in values:
            data = values[name]['data']
        elif 'orVersionFrom' in node and all(p in values for p in node['orVersionFrom']):
            data = '.'.join(str(values[p]['data']) for p in node['orVersionFrom'])
        else:
            return node.get('whenAbsent', 'Unknown')
        return apply_rule(node, data)
    raise ValueError('unknown node %s' % list(node))


def evaluate(control, role, snapshot):
    if role not in control['roles']:
        return 'Skipped'
    return verdict(control['check'], snapshot, role)


# ------------------------------------------------------------------------------------------------------------------

def load(path):
    with open(path) as f:
        return json.load(f)


# Converted on the exchange-stage branch with evidence in their cases: kept as they are; only the cases below that
# their files lack (by name) are added.
KEPT = {'EDCA-MON-006', 'EDCA-MON-007', 'EDCA-SEC-033', 'EDCA-TLS-013'}


def shipped_control(cid):
    if cid in KEPT:
        return load(os.path.join(ROOT, 'Controls', cid + '.json'))
    draft = load(os.path.join(HERE, 'Controls', cid + '.json'))
    control = {k: draft[k] for k in ORDER if k in draft}
    control['check'] = CHECKS[cid]
    if cid in EDITS:
        old, new = EDITS[cid]
        assert old in control['considerations'], cid
        control['considerations'] = control['considerations'].replace(old, new)
    if cid in DEPARTURES:
        control['considerations'] = control['considerations'].rstrip() + ' ' + DEPARTURES[cid]
    return {k: control[k] for k in ORDER if k in control}


def shipped_cases(cid, control):
    out = []
    if cid in KEPT:
        kept = load(os.path.join(ROOT, 'Tests', 'ControlCases', cid + '.json'))['cases']
        names = {re.sub(r' \([A-Z0-9]+\)$', '', c['name']) for c in kept}
        has_stage_case = any('stage' in c['snapshot'].get('exchange', {}) for c in kept)
        return kept + [c for c in generated_cases(cid) if c['name'] not in names and c['name'] not in LIKE_KEPT
                       and not (has_stage_case and 'stage' in c['snapshot'].get('exchange', {}))]
    return generated_cases(cid)


# Generated cases that the kept files already hold under another name.
LIKE_KEPT = {'Contoso as collected', 'Fabrikam as setup left it', 'Edge server', 'Mailbox server'}


def generated_cases(cid):
    out = []
    path = os.path.join(HERE, 'cases', cid + '.json')
    drafted = load(path)['cases'] if os.path.exists(path) else []
    for c in drafted:
        if (cid, c['name']) in DROPPED:
            continue
        setup = HOST_SETUP[c['host']] if cid in NEEDS_SETUP else None
        for (control_id, key), extra in ADD_PROPERTIES.items():
            if control_id == cid and 'rows' in c['facts'].get(key, {}):
                for row in c['facts'][key]['rows']:
                    for prop, value in extra.items():
                        row.setdefault(prop, value)
        item = {'name': c['name'], 'role': c['role'], 'expect': CHANGED.get((cid, c['name']), c['expect']),
                'snapshot': snap(c['facts'], setup=setup)}
        if c['name'].endswith(' denied'):
            item['evidence'] = ['Exchange %s: the call failed (denied' % c['name'][:-len(' denied')]]
        out.append(item)
    if drafted:
        primary = drafted[0]
        out.append({'name': 'no network credential for the Exchange stage', 'role': primary['role'],
                    'expect': 'Unknown', 'snapshot': snap(stage_error=NO_CREDENTIAL, setup=HOST_SETUP[primary['host']] if cid in NEEDS_SETUP else None),
                    'evidence': ['the Exchange stage failed (exchange.no-network-credentials', 'Kerberos with delegation']})
    for name, role, expect, snapshot in extra_cases().get(cid, []):
        out.append({'name': name, 'role': role, 'expect': expect, 'snapshot': snapshot})
    return out


def main():
    check_only = '--check' in sys.argv
    only = [a for a in sys.argv[1:] if a.startswith('EDCA-')]
    problems, written, total = [], [], 0
    for cid in sorted(CHECKS):
        control = shipped_control(cid)
        cases = shipped_cases(cid, control)
        for c in cases:
            got = evaluate(control, c['role'], c['snapshot'])
            if got != c['expect']:
                problems.append('%s "%s" (%s): expected %s, the check gives %s' % (cid, c['name'], c['role'], c['expect'], got))
        expects = {c['expect'] for c in cases}
        for wanted in ('Pass', 'Fail', 'Unknown'):
            if wanted not in expects and not (wanted == 'Fail' and cid in NEVER_FAILS):
                problems.append('%s: no %s case' % (cid, wanted))
        if len(control['roles']) == 1 and 'Skipped' not in expects:
            problems.append('%s: no wrong-role case' % cid)
        total += len(cases)
        written.append((cid, control, cases))
    print('%d controls, %d cases' % (len(written), total))
    if problems:
        print('\n'.join(problems))
        return 1
    if not check_only:
        for cid, control, cases in written:
            if only and cid not in only:
                continue
            with open(os.path.join(ROOT, 'Controls', cid + '.json'), 'w') as f:
                json.dump(control, f, indent=2, ensure_ascii=False)
                f.write('\n')
            with open(os.path.join(ROOT, 'Tests', 'ControlCases', cid + '.json'), 'w') as f:
                json.dump({'control': cid, 'cases': cases}, f, indent=2, ensure_ascii=False)
                f.write('\n')
        update_readme_table()
        update_examples(with_exchange=any(stage_keys(CHECKS[cid], set()) for cid in (only or CHECKS)))
    return 0


EXAMPLES = {'hardened-exchange-se-mailbox.json': 'MBX01', 'default-exchange-2019-mailbox.json': 'MBX02'}


def stage_keys(node, out):
    """The stage keys a check reads."""
    if isinstance(node, dict):
        for field in ('exchange', 'exchangeCountOf'):
            if field in node:
                out.add(node[field])
        for value in node.values():
            stage_keys(value, out)
    elif isinstance(node, list):
        for value in node:
            stage_keys(value, out)
    return out


def example_facts(host):
    """The Exchange facts of a lab host and of its organisation (lab-facts/), the keys the shipped checks read."""
    keys = stage_keys(CHECKS, set())
    server = load(os.path.join(HERE, 'lab-facts', host.lower() + '.json'))
    organization = load(os.path.join(HERE, 'lab-facts', 'org-%s.json' % server['organization'].lower()))
    facts = {k: v for k, v in list(organization.items()) + list(server['cmdlets'].items()) if k in keys}
    if host == 'MBX01':
        # The hardened example keeps only the policy that blocks Basic authentication (Contoso's lab facts add an
        # exception policy for a scanner, which EDCA-IAC-009 cannot tell from the default).
        facts['AuthenticationPolicy'] = {'rows': [r for r in facts['AuthenticationPolicy']['rows']
                                                  if r['Name'] == 'Block Basic Auth']}
    return facts


def update_examples(with_exchange):
    """The example snapshots (Inventory/examples, ExampleSnapshotTests) hold what the shipped controls read: the
    Exchange services a Mailbox server runs and, once the Exchange controls ship, the Exchange facts of Contoso's
    MBX01 (hardened) and Fabrikam's MBX02 (as setup left it)."""
    for name, host in EXAMPLES.items():
        path = os.path.join(ROOT, 'Inventory', 'examples', name)
        snapshot = load(path)
        for service in RES001_SERVICES['Mailbox']:
            snapshot['services'].setdefault(service, {'state': 'Running', 'startMode': 'Auto'})
        if with_exchange and 'exchange' not in snapshot:
            snapshot['exchange'] = {'facts': example_facts(host)}
        if with_exchange and host == 'MBX01':
            policies = snapshot['exchange']['facts']['AuthenticationPolicy']
            policies['rows'] = [r for r in policies['rows'] if r['Name'] == 'Block Basic Auth']
        with open(path, 'w') as f:
            json.dump(snapshot, f, indent=2, ensure_ascii=False)
            f.write('\n')


def update_readme_table():
    """README's controls table lists every control of Controls/ (ReadmeExampleTests checks it)."""
    path = os.path.join(ROOT, 'README.md')
    with open(path) as f:
        lines = f.read().split('\n')
    rows = []
    for name in sorted(os.listdir(os.path.join(ROOT, 'Controls'))):
        if name.endswith('.json'):
            c = load(os.path.join(ROOT, 'Controls', name))
            rows.append('| %s | %s | %s | %s | %s |' % (c['id'], c['title'], ', '.join(c['frameworks']), c['severity'],
                                                       ', '.join(c['roles'])))
    first = next(i for i, line in enumerate(lines) if line.startswith('| EDCA-'))
    last = max(i for i, line in enumerate(lines) if line.startswith('| EDCA-'))
    lines[first:last + 1] = rows
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


NEVER_FAILS = {'EDCA-IAC-012', 'EDCA-SEC-006', 'EDCA-TLS-002'}

if __name__ == '__main__':
    sys.exit(main())
