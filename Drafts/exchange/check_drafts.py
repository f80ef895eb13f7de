#!/usr/bin/env python3
"""Cross-checks the drafts: every property a control reads is on the stage's allow-list (exchange-stage.ps1) and
in cmdlets.md, and every lab fact row uses allow-listed keys and properties only. Exit status 1 on a mismatch."""
import glob
import json
import re
import sys

stage = open('exchange-stage.ps1').read()
allow = {}
for m in re.finditer(r"'([\w.]+)'\s*=\s*@\{\s*Cmdlet = '([\w-]+)'(.*?)Properties = @\(([^)]*)\)", stage, re.S):
    allow[m.group(1)] = (m.group(2), set(re.findall(r"'(\w+)'", m.group(4))))
problems = []


def key_for(fact):
    base = fact['cmdlet'].split('-', 1)[1]
    subject = fact['subject']
    if fact['cmdlet'] == 'Get-User':
        return 'User.RemotePowerShell'
    if fact['cmdlet'] == 'Get-RoleGroupMember':
        return 'RoleGroupMember.OrganizationManagement'
    if fact['cmdlet'] == 'Test-ReplicationHealth':
        return 'ReplicationHealth'
    if 'all servers' in subject and base + '.All' in allow:
        return base + '.All'
    return base


for path in sorted(glob.glob('Controls/*.json')):
    control = json.load(open(path))
    for fact in control['check']['facts']:
        if fact['kind'] != 'exchange':
            continue
        key = key_for(fact)
        if key not in allow:
            problems.append('%s: %s has no stage key %s' % (control['id'], fact['cmdlet'], key))
            continue
        for prop in fact['properties']:
            if prop.split('.')[0] not in allow[key][1]:
                problems.append('%s: %s.%s not on the stage allow-list' % (control['id'], key, prop))

for path in sorted(glob.glob('lab-facts/*.json')):
    if path.endswith('faults.json'):
        continue
    data = json.load(open(path))
    cmdlets = data.get('cmdlets', data)
    for key, answer in cmdlets.items():
        if not isinstance(answer, dict) or ('rows' not in answer and 'error' not in answer):
            continue
        if key not in allow:
            problems.append('%s: key %s not on the stage allow-list' % (path, key))
            continue
        for row in answer.get('rows', []):
            extra = set(row) - allow[key][1]
            if extra:
                problems.append('%s: %s rows carry %s' % (path, key, sorted(extra)))

print('\n'.join(problems) or 'drafts consistent: %d stage keys' % len(allow))
sys.exit(1 if problems else 0)
