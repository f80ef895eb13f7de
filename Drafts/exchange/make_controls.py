#!/usr/bin/env python3
"""Writes Controls/EDCA-*.json and controls.md from controls_data.py and upstream-meta.json.

Facts taken from upstream EDCA's Config/controls.json (severity, weight, frameworks, roles, verify, subject, category,
reference URLs and document titles) are in upstream-meta.json. Everything else is written here, in our words.
"""
import json
import os
import re

import controls_data as data

HERE = os.path.dirname(os.path.abspath(__file__))
META = json.load(open(os.path.join(HERE, 'upstream-meta.json')))
UPSTREAM = json.load(open(os.path.join(HERE, 'upstream-references.json')))


def fact_entry(f):
    if isinstance(f, dict):
        return f
    cmdlet, subject, props = f
    return {'kind': 'exchange', 'cmdlet': cmdlet, 'subject': subject, 'properties': props}


REQUIREMENT_PATTERNS = [
    (re.compile(r'DISA STIG (EX\d\d-(?:MB|ED)-\d{6})'), 'DISA STIG {}'),
    (re.compile(r'^CIS (\d+(?:\.\d+)+)'), 'CIS Microsoft Exchange Server Benchmark {}'),
    (re.compile(r'^BSI ((?:APP|SYS|OPS|CON|NET|ORP)\.\d+\.\d+\.A\d+)'), 'BSI IT-Grundschutz {}'),
    (re.compile(r'(ISM-\d{4})'), '{}'),
    (re.compile(r'NIS2 Directive .*?(Article \d+\(\d+\)\([a-z]\))'), 'NIS2 {}'),
]


def requirements(refs):
    """Requirement identifiers named by the references' titles (the optional control member `requirements`)."""
    out = []
    for name, _ in refs:
        for pattern, form in REQUIREMENT_PATTERNS:
            for match in pattern.findall(name):
                value = form.format(match)
                if value not in out:
                    out.append(value)
    return out


def reference_name(name):
    """The referenced document's title. Upstream sometimes appends its own explanation after a dash ("CISA
    AA21-062A: ... - configure OWA Download Domains ..."); that text is upstream's, not the document's, and is cut.
    NIS2 references keep the directive and the article only."""
    article = re.search(r'NIS2 Directive \(EU\) 2022/2555 - (Article \d+\(\d+\)\([a-z]\))', name)
    if article:
        return 'NIS2 Directive (EU) 2022/2555, ' + article.group(1)
    parts = re.split(r' (?:—|-) ', name)
    kept = [parts[0]]
    for part in parts[1:]:
        if part[:1].islower():
            break
        kept.append(part)
    return ' - '.join(kept) if '—' not in name else ' — '.join(kept)


LIST_COMMAND = re.compile(r'((?:Select-Object|Format-Table|Format-List)(?: -Property| -ExpandProperty)?) ([^|\n]*)')


def quote_lists(script):
    """Quotes bare property names in comma-separated argument lists (Select-Object A, B -> 'A', 'B'): the same
    command for PowerShell, and a form the tree-sitter grammar used by scripts/check_powershell.py parses."""
    def fix(match):
        head, rest = match.group(1), match.group(2)
        tail = ''
        cut = re.search(r' -(?!Property)[A-Za-z]+\b', rest)
        if cut:
            rest, tail = rest[:cut.start()], rest[cut.start():]
        if ',' not in rest:
            return match.group(0)
        items = [i.strip() for i in rest.split(',')]
        if any(i.startswith('@{') or i.startswith("'") or i.startswith('$') or ' ' in i for i in items):
            return match.group(0)
        return head + ' ' + ', '.join("'%s'" % i for i in items) + tail
    return LIST_COMMAND.sub(fix, script).replace('/ 1GB', '/ 1073741824')


def control_json(c):
    m = META[c['id']]
    refs = []
    for n, u in UPSTREAM[c['id']]:
        entry = {'name': reference_name(n), 'url': u}
        if entry not in refs:
            refs.append(entry)
    check = {'draft': True, 'stage': c.get('stage', 'exchange'), 'subject': c.get('subject', m['subject']),
             'facts': [fact_entry(f) for f in c['facts']]}
    if c.get('applicable'):
        check['applicableIf'] = c['applicable']
    if c.get('derive'):
        check['derive'] = c['derive']
    check['rules'] = [dict(zip(('status', 'when', 'note'), r)) for r in c['rules']]
    check['unknownWhen'] = c.get('unknown', ['the cmdlet answered an error (denied, timeout, noNetworkCredential)'])
    check['roles'] = c.get('rolesNote', ', '.join(m['roles']))
    out = {
        'id': c['id'], 'title': c['title'], 'description': c['desc'], 'verify': m['verify'],
        'subject': c.get('subject', m['subject']), 'category': m['category'], 'severity': m['severity'],
        'severityWeight': m['severityWeight'], 'frameworks': m['frameworks'], 'references': refs,
    }
    reqs = requirements(UPSTREAM[c['id']])
    if reqs:
        out['requirements'] = reqs
    out.update({
        'remediation': {'automatable': c.get('automatable', True), 'description': c['fix'],
                        'scriptTemplate': quote_lists(c['script'])},
        'considerations': c['cons'], 'roles': m['roles'], 'check': check,
    })
    return out


def fact_line(f):
    if isinstance(f, dict):
        return '`%s` %s' % (f['kind'], ', '.join('%s=%s' % (k, v) for k, v in f.items() if k != 'kind'))
    cmdlet, subject, props = f
    return '`%s` (%s): %s' % (cmdlet, subject, ', '.join(props))


def section(c):
    m = META[c['id']]
    out = ['### %s: %s' % (c['id'][5:], c['title']),
           '%s, %d; %s; subject %s; roles %s; verify %s%s.' % (
               m['severity'], m['severityWeight'], m['category'], c.get('subject', m['subject']),
               ', '.join(m['roles']), str(m['verify']).lower(),
               '; **stage: local** (no cmdlet needed)' if c.get('stage') == 'local' else ''), '',
           '**Facts**']
    out += ['- ' + fact_line(f) for f in c['facts']]
    out += ['', '**Rule**']
    if c.get('applicable'):
        out.append('0. Applicable only if: %s (otherwise Skipped).' % c['applicable'])
    for k, v in (c.get('derive') or {}).items():
        out.append('- `%s` = %s' % (k, v))
    for i, r in enumerate(c['rules'], 1):
        when = 'otherwise' if r[1].startswith('otherwise') else 'when ' + r[1]
        if r[1].startswith('otherwise') and r[1] != 'otherwise':
            when = r[1]
        out.append('%d. %s %s%s' % (i, r[0], when, (' (%s)' % r[2]) if len(r) > 2 else ''))
    out += ['', '**Upstream.** ' + c['upstream']]
    if c.get('correction'):
        out += ['', '**Corrections.** ' + c['correction']]
    out += ['', '**Cases**']
    out += ['- ' + x for x in c['cases']]
    out.append('')
    return '\n'.join(out)


def main():
    os.makedirs(os.path.join(HERE, 'Controls'), exist_ok=True)
    seen = set()
    body = []
    shipped = set()
    for group, intro, controls in data.GROUPS:
        body.append('## %s\n\n%s\n' % (group, intro))
        for c in controls:
            assert c['id'] not in seen, c['id']
            seen.add(c['id'])
            # A control that ships (Controls/<id>.json of the repository) is no longer drafted here.
            if os.path.exists(os.path.join(HERE, '..', '..', 'Controls', c['id'] + '.json')):
                shipped.add(c['id'])
                continue
            with open(os.path.join(HERE, 'Controls', c['id'] + '.json'), 'w') as f:
                json.dump(control_json(c), f, indent=2, ensure_ascii=False)
                f.write('\n')
            body.append(section(c))
    missing = sorted(set(META) - seen)
    head = open(os.path.join(HERE, 'controls-head.md')).read()
    head = head.replace('{{COUNT}}', str(len(seen) - len(shipped))).replace(
        '{{MISSING}}', ', '.join(x[5:] for x in missing) or 'none').replace(
        '{{SHIPPED}}', ', '.join(x[5:] for x in sorted(shipped)) or 'none')
    with open(os.path.join(HERE, 'controls.md'), 'w') as f:
        f.write(head + '\n' + '\n'.join(body))
    print('%d controls drafted, %d shipped, %d left: %s' % (len(seen) - len(shipped), len(shipped), len(missing),
                                                          ' '.join(missing)))


if __name__ == '__main__':
    main()
