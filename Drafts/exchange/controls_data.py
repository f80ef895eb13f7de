"""Per-control drafts for issue 12, grouped by cmdlet. Prose is ours; facts (cmdlet and property names, thresholds)
come from public material. Read by make_controls.py."""

ORG = 'Organization'
SRV = 'Server'
DB = 'Database'
EDGE = 'Edge (local)'
MBX = 'Mailbox (org-wide)'

ORGCFG = ('Get-OrganizationConfig', ORG, None)


def f(cmdlet, subject, *props):
    return (cmdlet, subject, list(props))


GROUPS = []

# ---------------------------------------------------------------------------------------------------------------
# Get-OrganizationConfig and Get-AuthenticationPolicy
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-OrganizationConfig, Get-AuthenticationPolicy',
               'Organisation-wide switches, read once per organisation.', g))

g.append(dict(
    id='EDCA-GOV-009',
    title='The Customer Experience Improvement Program is switched off for the organisation',
    desc='When the organisation takes part in the Customer Experience Improvement Program, Exchange sends usage data about the deployment to Microsoft. A regulated organisation should decide deliberately what leaves its network; the program gives the operator nothing back and is off unless someone opted in during setup or later.',
    fix='Switch the program off for the organisation with Set-OrganizationConfig.',
    script="# Current setting\nGet-OrganizationConfig | Select-Object Name, CustomerFeedbackEnabled\n# Switch it off\n# Set-OrganizationConfig -CustomerFeedbackEnabled $false",
    cons='Nothing depends on the program; switching it off has no effect on mail flow or clients. The value is organisation-wide, so one finding per organisation is reported. An unset value (null) is how a fresh organisation that never answered the setup question looks: it sends nothing, so it passes.',
    facts=[f('Get-OrganizationConfig', ORG, 'CustomerFeedbackEnabled')],
    rules=[('Fail', 'CustomerFeedbackEnabled is true'), ('Pass', 'CustomerFeedbackEnabled is false or null', 'null: never opted in')],
    upstream='A L2391: Pass when CustomerFeedbackEnabled is false, Fail otherwise; a null value falls into Fail (inferred from the `-eq $false` test).',
    correction='A null value (the organisation never opted in) passes: no data is sent.',
    cases=['false → Pass', 'true → Fail', 'null → Pass', 'cmdlet denied → Unknown', 'Edge server only (no Org facts) → Skipped by role'],
))

g.append(dict(
    id='EDCA-IAC-008',
    title='Active Directory split permissions are enabled',
    desc='By default the Exchange Trusted Subsystem and the Exchange Windows Permissions group can create users and groups and change their membership in Active Directory, so anyone with Exchange rights can reach domain objects. Split permissions (Active Directory split permissions) remove those rights from Exchange, so that only directory administrators manage security principals.',
    fix='Run Exchange setup with /ActiveDirectorySplitPermissions:true /PrepareAD from a schema- and enterprise-admin session, after checking which Exchange processes create users or groups.',
    automatable=False,
    script="# Current setting\nGet-OrganizationConfig | Select-Object Name, AdSplitPermissionEnabled\n# Enabling it is an Active Directory change made by setup:\n# Setup.exe /PrepareAD /ActiveDirectorySplitPermissions:true /IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF",
    cons='With split permissions on, Exchange administrators can no longer create mailboxes for new users or create distribution groups: directory administrators create the accounts and Exchange only mail-enables them. Provisioning tools and scripts must be checked first. RBAC split permissions (a lighter variant) leave AdSplitPermissionEnabled false and are not recognised here.',
    facts=[f('Get-OrganizationConfig', ORG, 'AdSplitPermissionEnabled')],
    rules=[('Pass', 'AdSplitPermissionEnabled is true'), ('Fail', 'AdSplitPermissionEnabled is false')],
    upstream='A L386: Pass when true, Fail otherwise; null → Unknown.',
    correction=None,
    cases=['true → Pass', 'false → Fail', 'property absent (null) → Unknown', 'cmdlet timeout → Unknown'],
))

g.append(dict(
    id='EDCA-SEC-001',
    title='MAPI over HTTP is enabled for the organisation and served by this server',
    desc='MAPI over HTTP replaces RPC over HTTP (Outlook Anywhere) as the Outlook protocol. It supports modern authentication and reconnects faster, and RPC over HTTP is deprecated. Exchange 2016 and later enable it by default; an organisation that switched it off keeps Outlook on the older protocol.',
    fix='Enable MAPI over HTTP for the organisation and make sure the MAPI virtual directory exists on every Mailbox server.',
    script="# Organisation switch and this server's MAPI virtual directory\nGet-OrganizationConfig | Select-Object MapiHttpEnabled\nGet-MapiVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Select-Object Identity, InternalUrl, ExternalUrl, IISAuthenticationMethods\n# Enable for the organisation\n# Set-OrganizationConfig -MapiHttpEnabled $true",
    cons='Outlook 2010 and older need RPC over HTTP; they must be gone first. Mailboxes can be excluded one by one with Set-CASMailbox -MapiHttpEnabled $false, which this control does not examine.',
    facts=[f('Get-OrganizationConfig', ORG, 'MapiHttpEnabled'), f('Get-MapiVirtualDirectory', SRV, 'Identity')],
    rules=[('Fail', 'OrganizationConfig.MapiHttpEnabled is false'),
           ('Fail', 'this server has no MAPI virtual directory (rows empty)'),
           ('Pass', 'otherwise')],
    upstream='A L3819 reads a per-server `MapiHttpEnabled` that C L4077–4083 sets to true when any MAPI virtual directory has a non-null IISAuthenticationMethods.',
    correction='The organisation switch decides whether Outlook uses MAPI over HTTP; upstream never reads it (the property exists on OrganizationConfig) and a directory with authentication methods says nothing about the switch. The agent reads the switch and requires the directory.',
    cases=['org true, vdir present → Pass', 'org false → Fail', 'org true, no vdir rows → Fail', 'org denied → Unknown', 'vdir cmdlet noNetworkCredential → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-009',
    title='The default authentication policy blocks Basic authentication once modern authentication is on',
    desc='Basic authentication sends the password with every request and cannot carry multi-factor authentication, which makes it the usual entry point of password spraying. Exchange 2019 CU2 and later can block it per protocol through an authentication policy; set as the organisation default, the policy applies to every user who has no other policy.',
    fix='Create an authentication policy that blocks Basic authentication on every protocol and make it the organisation default, after modern authentication works for all clients.',
    script="# The default policy and its Basic switches\n$name = (Get-OrganizationConfig).DefaultAuthenticationPolicy\n\"default policy: $name\"\nif ($name) { Get-AuthenticationPolicy -Identity $name | Format-List Name, AllowBasicAuth* }\n# Block Basic everywhere and make it the default\n# New-AuthenticationPolicy -Name 'Block Basic'\n# Set-OrganizationConfig -DefaultAuthenticationPolicy 'Block Basic'",
    cons='Blocking Basic authentication before modern authentication (hybrid or AD FS) is in place locks out Outlook, mobile and IMAP/POP clients; therefore the control only fails once OAuth2ClientProfileEnabled is on. Users with their own policy (Set-User -AuthenticationPolicy) are not examined. Exchange 2016 has no authentication policies: there the cmdlet is absent and the result is Unknown.',
    facts=[f('Get-OrganizationConfig', ORG, 'DefaultAuthenticationPolicy', 'OAuth2ClientProfileEnabled'),
           f('Get-AuthenticationPolicy', ORG, 'Name', 'AllowBasicAuthActiveSync', 'AllowBasicAuthAutodiscover', 'AllowBasicAuthImap', 'AllowBasicAuthMapi', 'AllowBasicAuthOfflineAddressBook', 'AllowBasicAuthOutlookService', 'AllowBasicAuthPop', 'AllowBasicAuthPowershell', 'AllowBasicAuthReportingWebServices', 'AllowBasicAuthRest', 'AllowBasicAuthRpc', 'AllowBasicAuthSmtp', 'AllowBasicAuthWebServices')],
    derive={'policy': 'the AuthenticationPolicy row whose Name equals DefaultAuthenticationPolicy (ignoring case)',
            'allowed': 'the AllowBasicAuth* properties of policy that are true'},
    rules=[('Unknown', 'OAuth2ClientProfileEnabled is false', 'modern authentication is off; blocking Basic would lock clients out (see EDCA-IAC-004)'),
           ('Fail', 'DefaultAuthenticationPolicy is empty', 'no default policy: Basic is allowed everywhere'),
           ('Unknown', 'no policy row has that name'),
           ('Fail', 'allowed is not empty', 'evidence lists the protocols'),
           ('Pass', 'otherwise')],
    upstream='A L1305: Unknown when there is no default policy data; Pass when no AllowBasicAuth* is true; **Unknown** (never Fail) when any protocol still allows Basic. It lists 13 protocols and does not look at modern authentication.',
    correction='With modern authentication on, an allowed protocol or a missing default policy is a Fail, not Unknown. With modern authentication off the result is Unknown with a pointer to IAC-004. PowerShell (AllowBasicAuthPowershell) is added to the list.',
    cases=['OAuth on, default policy blocks all 14 → Pass', 'OAuth on, policy allows Imap and Pop → Fail (evidence Imap, Pop)', 'OAuth on, no default policy → Fail', 'OAuth off, no default policy → Unknown', 'default names a missing policy → Unknown', 'Get-AuthenticationPolicy absent (2016) → Unknown'],
))

# ---------------------------------------------------------------------------------------------------------------
# Get-MobileDeviceMailboxPolicy
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-MobileDeviceMailboxPolicy', '''All eleven read the **default** policy: the row with `IsDefault` true, else (no
default, which Exchange does not normally allow) the first row by name, as upstream does (A L1832–2180). No rows at
all → Unknown. Common correction: upstream turns an unset value (null) into Unknown; an unset limit means "no
limit", which the agent treats as `"Unlimited"` (Fail). When `PasswordEnabled` is false the device has no password
at all, so the password-quality controls (IAC-014, 016–019, 021, 024) Fail with the note "no device password is
required (EDCA-IAC-023)". Policies other than the default, and the mailboxes they are assigned to, are not judged:
a consideration says so.''', g))

MDM = 'Get-MobileDeviceMailboxPolicy'
MDM_SCRIPT = "# The default mobile device mailbox policy\nGet-MobileDeviceMailboxPolicy | Where-Object IsDefault | Format-List Name, {p}\n# Change it\n# Get-MobileDeviceMailboxPolicy | Where-Object IsDefault | Set-MobileDeviceMailboxPolicy -{p} {v}"
MDM_CONS = ' Only the default policy is judged; mailboxes assigned another policy are not examined. Devices pick up a change at their next policy refresh; devices that cannot apply it are blocked only if AllowNonProvisionableDevices is false.'
MDM_UNK = ['no policy rows', 'the cmdlet answered an error']


def mdm(id, prop, title, desc, fix, v, rules, upstream, correction, cases, cons='', pw=True):
    facts = [f(MDM, ORG, 'Name', 'IsDefault', prop) if not pw else f(MDM, ORG, 'Name', 'IsDefault', 'PasswordEnabled', prop)]
    r = ([('Fail', 'policy.PasswordEnabled is false', 'no device password is required (EDCA-IAC-023)')] if pw else []) + rules
    return dict(id=id, title=title, desc=desc, fix=fix, script=MDM_SCRIPT.format(p=prop, v=v), cons=(cons + MDM_CONS).strip(),
                facts=facts, derive={'policy': 'the row with IsDefault true, else the first row by Name'}, rules=r,
                unknown=MDM_UNK, upstream=upstream, correction=correction, cases=cases)


g.append(mdm('EDCA-IAC-014', 'AllowSimplePassword', 'The default mobile device policy refuses simple passwords',
    'A simple password is a sequence such as 1111 or 1234 that is guessed in a few tries. When the policy allows it, a lost phone with mail on it is protected by almost nothing.',
    'Set AllowSimplePassword to false on the default mobile device mailbox policy.', '$false',
    [('Fail', 'policy.AllowSimplePassword is true'), ('Pass', 'policy.AllowSimplePassword is false')],
    'A L1832: default policy (IsDefault, else the first); Pass when false, Fail when true, Unknown when null or no policies.',
    'A policy without a device password fails here too (see the group note).',
    ['default policy false → Pass', 'default true, another policy false → Fail', 'PasswordEnabled false → Fail', 'no rows → Unknown', 'no IsDefault row, first by name true → Fail']))

g.append(mdm('EDCA-IAC-015', 'AllowNonProvisionableDevices', 'The default mobile device policy admits only devices that apply the policy',
    'A device that cannot enforce the policy (no password, no encryption, no remote wipe) is still allowed to synchronise mail when AllowNonProvisionableDevices is true, which voids every other setting of the policy for that device.',
    'Set AllowNonProvisionableDevices to false on the default mobile device mailbox policy.', '$false',
    [('Fail', 'policy.AllowNonProvisionableDevices is true'), ('Pass', 'policy.AllowNonProvisionableDevices is false')],
    'A L1832–2180: as IAC-014 on AllowNonProvisionableDevices.', None,
    ['false → Pass', 'true → Fail', 'null → Unknown', 'denied → Unknown'],
    cons='Older or unusual mail clients that do not implement the ActiveSync provisioning commands stop synchronising.', pw=False))

g.append(mdm('EDCA-IAC-016', 'PasswordHistory', 'The default mobile device policy remembers at least 4 previous passwords',
    'Without a password history a user can "change" the device password back to the same value, so expiry and reset requirements have no effect.',
    'Set PasswordHistory to 4 or more on the default mobile device mailbox policy.', '4',
    [('Fail', 'policy.PasswordHistory is null or < 4'), ('Pass', 'policy.PasswordHistory >= 4')],
    'A L1832–2180: Pass when PasswordHistory ≥ 4, Fail below, Unknown when null.',
    'Null (no history kept) fails instead of Unknown; no password required fails.',
    ['4 → Pass', '0 → Fail', 'null → Fail', 'PasswordEnabled false, history 8 → Fail', 'no rows → Unknown']))

g.append(mdm('EDCA-IAC-017', 'MinPasswordLength', 'The default mobile device policy requires passwords of at least 4 characters',
    'A minimum length is the simplest defence against guessing a lost device\'s password. Without it a one-character PIN is accepted.',
    'Set MinPasswordLength to 4 or more (6 is common) on the default mobile device mailbox policy.', '6',
    [('Fail', 'policy.MinPasswordLength is null or < 4', 'null: no minimum'), ('Pass', 'policy.MinPasswordLength >= 4')],
    'A L1832–2180: Pass when ≥ 4, Fail below, Unknown when null.',
    'Null means no minimum length and fails.',
    ['6 → Pass', '4 → Pass', '3 → Fail', 'null → Fail', 'PasswordEnabled false → Fail']))

g.append(mdm('EDCA-IAC-018', 'MaxPasswordFailedAttempts', 'The default mobile device policy wipes or locks the device after at most 10 failed passwords',
    'A limit on failed attempts stops someone who holds a lost device from trying passwords until one works: after the limit the device is wiped or locked.',
    'Set MaxPasswordFailedAttempts to 10 or fewer on the default mobile device mailbox policy.', '10',
    [('Fail', 'policy.MaxPasswordFailedAttempts is "Unlimited" or > 10'), ('Pass', 'policy.MaxPasswordFailedAttempts <= 10')],
    'A L1832–2180: Unlimited → Fail; Pass when ≤ 10.', None,
    ['8 → Pass', '10 → Pass', '11 → Fail', 'Unlimited → Fail', 'PasswordEnabled false → Fail'],
    cons='Users who mistype often lose the mail data on the device; they must know that a wipe follows the limit.'))

g.append(mdm('EDCA-IAC-019', 'PasswordExpiration', 'The default mobile device policy makes device passwords expire within 365 days',
    'An expiry bounds how long a password observed or shared once stays valid on a device that holds mail.',
    'Set PasswordExpiration to 365 days or less on the default mobile device mailbox policy.', '365.00:00:00',
    [('Fail', 'policy.PasswordExpiration is "Unlimited" or > 31536000 s'), ('Pass', 'policy.PasswordExpiration <= 31536000 s')],
    'A L1832–2180: Unlimited → Fail; Pass when ≤ 365 days.', None,
    ['90 days → Pass', '365 days → Pass', '366 days → Fail', 'Unlimited → Fail', 'PasswordEnabled false → Fail'],
    cons='Current guidance (NIST SP 800-63B) discourages forced expiry of strong passwords; a device PIN guarded by a failed-attempt limit is a different case, and the threshold here is upstream\'s.'))

g.append(mdm('EDCA-IAC-020', 'DevicePolicyRefreshInterval', 'Devices refresh the mobile device policy at least once a day',
    'The refresh interval is how often a device asks for the current policy. With a long or unlimited interval, a tightened policy reaches devices late or never.',
    'Set DevicePolicyRefreshInterval to one day or less on the default mobile device mailbox policy.', '1.00:00:00',
    [('Fail', 'policy.DevicePolicyRefreshInterval is "Unlimited" or > 86400 s'), ('Pass', 'policy.DevicePolicyRefreshInterval <= 86400 s')],
    'A L1832–2180: Unlimited → Fail; Pass when ≤ 1 day.', None,
    ['1 hour → Pass', '1 day → Pass', '2 days → Fail', 'Unlimited → Fail'], pw=False))

g.append(mdm('EDCA-IAC-021', 'AlphanumericPasswordRequired', 'The default mobile device policy requires alphanumeric passwords',
    'A password that must mix letters and digits has many more possible values than a numeric PIN of the same length.',
    'Set AlphanumericPasswordRequired to true on the default mobile device mailbox policy.', '$true',
    [('Fail', 'policy.AlphanumericPasswordRequired is false'), ('Pass', 'policy.AlphanumericPasswordRequired is true')],
    'A L1832–2180: Pass when true, Fail when false, Unknown when null.', None,
    ['true → Pass', 'false → Fail', 'null → Unknown', 'PasswordEnabled false → Fail'],
    cons='Some devices implement this as "complex password" with their own rules; users used to a numeric PIN will be asked to change it.'))

g.append(mdm('EDCA-IAC-022', 'RequireDeviceEncryption', 'The default mobile device policy requires device encryption',
    'Mail, attachments and cached credentials stored on an unencrypted phone can be read from a lost device without the password.',
    'Set RequireDeviceEncryption to true on the default mobile device mailbox policy.', '$true',
    [('Fail', 'policy.RequireDeviceEncryption is false'), ('Pass', 'policy.RequireDeviceEncryption is true')],
    'A L1832–2180: Pass when true, Fail when false, Unknown when null.', None,
    ['true → Pass', 'false → Fail', 'null → Unknown'], pw=False,
    cons='Current phones encrypt their storage whenever a passcode is set; the setting matters for devices that report otherwise.'))

g.append(mdm('EDCA-IAC-023', 'PasswordEnabled', 'The default mobile device policy requires a device password',
    'Without a device password anyone who picks up the device reads the mailbox on it, and every other password setting of the policy is void.',
    'Set PasswordEnabled to true on the default mobile device mailbox policy, with the length and complexity settings of the other controls.', '$true',
    [('Fail', 'policy.PasswordEnabled is false'), ('Pass', 'policy.PasswordEnabled is true')],
    'A L1832–2180: Pass when true, Fail when false, Unknown when null.', None,
    ['true → Pass', 'false → Fail', 'no rows → Unknown'], pw=False))

g.append(mdm('EDCA-IAC-024', 'MaxInactivityTimeLock', 'The default mobile device policy locks the device after at most 15 minutes of inactivity',
    'An inactivity lock bounds how long an unattended, unlocked device gives access to the mailbox.',
    'Set MaxInactivityTimeLock to 15 minutes or less on the default mobile device mailbox policy.', '00:15:00',
    [('Fail', 'policy.MaxInactivityTimeLock is "Unlimited" or > 900 s'), ('Pass', 'policy.MaxInactivityTimeLock <= 900 s')],
    'A L1832–2180: Unlimited → Fail; Pass when ≤ 15 minutes.', None,
    ['5 min → Pass', '15 min → Pass', '30 min → Fail', 'Unlimited → Fail', 'PasswordEnabled false → Fail']))
