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
    upstream='A L2391: Fail only when CustomerFeedbackEnabled is true (`-eq $true`), so false and null pass; Unknown when the property was not collected.',
    correction=None,
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
    script="# The default policy and its Basic switches\n$name = (Get-OrganizationConfig).DefaultAuthenticationPolicy\n\"default policy: $name\"\nif ($name) { Get-AuthenticationPolicy -Identity $name | Format-List 'Name', 'AllowBasicAuth*' }\n# Block Basic everywhere and make it the default\n# New-AuthenticationPolicy -Name 'Block Basic'\n# Set-OrganizationConfig -DefaultAuthenticationPolicy 'Block Basic'",
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

# ---------------------------------------------------------------------------------------------------------------
# Get-TransportService (per server, Mailbox and Edge) and Get-TransportConfig (organisation)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-TransportService, Get-TransportConfig', '''`Get-TransportService -Identity $env:COMPUTERNAME` is per
server and also runs on Edge (local AD LDS). `Get-TransportConfig` is organisation-wide on Mailbox; on Edge it reads
the Edge's own copy, which the controls of this group do not use (their roles are Mailbox).''', g))

TS = 'Get-TransportService'
TS_SCRIPT = "# This server's transport settings\nGet-TransportService -Identity $env:COMPUTERNAME | Format-List Name, {p}\n# Change\n# Set-TransportService -Identity $env:COMPUTERNAME -{p} {v}"

g.append(dict(
    id='EDCA-DATA-003', title="The transport service's internal certificate is in the server's store and valid for at least 30 days",
    desc='Exchange servers authenticate each other and encrypt SMTP between themselves with the internal transport certificate, normally the self-signed certificate created by setup. When it expires or is missing from the computer store, server-to-server mail flow and hybrid features fail.',
    fix='Create a new self-signed Exchange certificate with SMTP assigned (New-ExchangeCertificate), which becomes the internal transport certificate, before the current one expires.',
    script="# Thumbprint the transport service uses and the matching certificate in the computer store\n$t = (Get-TransportService -Identity $env:COMPUTERNAME).InternalTransportCertificateThumbprint\n\"internal transport certificate: $t\"\nGet-ChildItem Cert:\\LocalMachine\\My | Where-Object Thumbprint -eq $t | Select-Object Subject, NotAfter\n# Renew: New-ExchangeCertificate -Services SMTP (answer No to replacing the default SMTP certificate only if another one is wanted)",
    automatable=False,
    cons='The self-signed certificate created by setup is valid for five years, so servers installed five years ago are the ones that hit this. Renewal needs no downtime, but the new certificate must be created on that server. The certificate is matched in the local computer store (fact kind `certificate` of issue 16), not through Get-ExchangeCertificate.',
    facts=[f(TS, SRV, 'InternalTransportCertificateThumbprint'), {'kind': 'certificate', 'store': 'LocalMachine\\My', 'fields': ['thumbprint', 'subject', 'notAfter']}],
    derive={'cert': 'the certificate whose thumbprint equals InternalTransportCertificateThumbprint (ignoring case)'},
    rules=[('Unknown', 'InternalTransportCertificateThumbprint is empty'),
           ('Fail', 'no cert', 'the thumbprint is not in LocalMachine\\My'),
           ('Fail', 'cert.notAfter < scanTime + 30 days'),
           ('Unknown', 'cert.notAfter < scanTime + 60 days', 'renew soon'),
           ('Pass', 'otherwise')],
    upstream='A L4791: the thumbprint is looked up in LocalMachine\\My; not found → Fail; expired or < 30 days → Fail; < 60 days → Unknown; otherwise Pass. verify=false.',
    correction=None,
    cases=['valid 4 years → Pass', 'expires in 45 days → Unknown', 'expires in 10 days → Fail', 'expired → Fail', 'thumbprint not in store → Fail', 'store denied → Unknown', 'Edge → Skipped by role'],
))

for id, prop, want, title, desc, fix, cons, cases in [
    ('EDCA-MON-004', 'ConnectivityLogEnabled', True, 'Transport connectivity logging is on',
     'The connectivity log records every outbound connection the transport service opens: the destination, the time and the result. It is how a failed or suspicious delivery is traced after the fact, and it is off by default on Exchange 2013 and later (inferred: on since Exchange 2019 setup; verify).',
     'Switch connectivity logging on for the transport service of every Mailbox and Edge server.',
     'The log grows with outbound mail volume and is pruned by age and size (ConnectivityLogMaxAge, ConnectivityLogMaxDirectorySize); check the disk that holds it.',
     ['true → Pass', 'false → Fail', 'Edge true → Pass', 'noNetworkCredential → Unknown']),
    ('EDCA-MON-005', 'MessageTrackingLogEnabled', True, 'Message tracking is on',
     'Message tracking records what happened to every message the server handled. Investigations, delivery reports and many compliance questions depend on it; it is on by default and should stay on.',
     'Switch message tracking on for the transport service of every Mailbox and Edge server.',
     'The log is pruned by age (30 days by default) and size; keep enough for the organisation\'s investigation window.',
     ['true → Pass', 'false → Fail', 'null → Unknown']),
    ('EDCA-MON-006', 'MessageTrackingLogSubjectLoggingEnabled', False, 'Message tracking does not record subjects',
     'Subjects often contain personal or confidential information. When subject logging is on, every subject line ends up in plain-text log files readable by anyone who can read the tracking log folder.',
     'Switch subject logging off in message tracking for the transport service of every Mailbox and Edge server.',
     'Investigators lose the subject as a search key in message tracking; the message ID and sender still identify a message.',
     ['false → Pass', 'true → Fail']),
]:
    g.append(dict(id=id, title=title, desc=desc, fix=fix, script=TS_SCRIPT.format(p=prop, v='$' + str(want).lower()), cons=cons,
                  facts=[f(TS, SRV, prop)],
                  rules=[('Pass', '%s is %s' % (prop, str(want).lower())), ('Fail', '%s is %s' % (prop, str(not want).lower()))],
                  upstream='A L5156/5178/5200: Pass when %s is %s, Fail otherwise, Unknown when null.' % (prop, str(want).lower()),
                  correction=None, cases=cases))

g.append(dict(
    id='EDCA-SEC-033', title='The transport pickup directory is disabled',
    desc='Any account that can write a file into the pickup directory makes the transport service send it as a message, with whatever sender the file names. On a Mailbox server this is an unauthenticated way to inject mail; setting the path to nothing disables the directory.',
    fix='Clear PickupDirectoryPath on the transport service of every Mailbox and Edge server.',
    script="# Current pickup directory\nGet-TransportService -Identity $env:COMPUTERNAME | Select-Object Name, PickupDirectoryPath\n# Disable it\n# Set-TransportService -Identity $env:COMPUTERNAME -PickupDirectoryPath $null",
    cons='Applications that drop .eml files into the pickup folder stop sending; move them to SMTP submission with authentication. The roles of this control are Mailbox only, following upstream, although Edge has the same directory.',
    facts=[f(TS, SRV, 'PickupDirectoryPath')],
    rules=[('Pass', 'PickupDirectoryPath is null or empty'), ('Fail', 'otherwise', 'evidence: the path')],
    upstream='A L5950: Pass when the path is empty, Fail otherwise.', correction=None,
    cases=['null → Pass', "'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\Pickup' (setup default) → Fail", 'denied → Unknown'],
))

g.append(dict(
    id='EDCA-TLS-002', title='The transport retry settings follow Microsoft\'s HealthChecker baseline',
    desc='Microsoft\'s HealthChecker recommends at least 40 connections per destination domain and a retry interval of 5 minutes or less, so that queues to large providers drain quickly after a transient failure.',
    fix='Set MaxPerDomainOutboundConnections to 40 or more and MessageRetryInterval to 5 minutes or less on the transport service.',
    script="# Current retry settings\nGet-TransportService -Identity $env:COMPUTERNAME | Select-Object Name, MaxPerDomainOutboundConnections, MessageRetryInterval\n# Set-TransportService -Identity $env:COMPUTERNAME -MaxPerDomainOutboundConnections 40 -MessageRetryInterval 00:05:00",
    cons='This advice conflicts with EDCA-TLS-017, which wants at most 20 connections per domain (the DISA STIG value): no value passes both. Upstream marks this control verify=false (not scored) and never lets it fail; the agent keeps both and reports the conflict. Decide which one the organisation follows and disable the other.',
    facts=[f(TS, SRV, 'MaxPerDomainOutboundConnections', 'MessageRetryInterval')],
    rules=[('Unknown', 'MaxPerDomainOutboundConnections is a number < 40, or MessageRetryInterval > 300 s', 'below the HealthChecker baseline; never Fail, as upstream'),
           ('Pass', 'otherwise (Unlimited counts as ≥ 40)')],
    upstream='A L5115: Pass when MaxPerDomainOutboundConnections ≥ 40 and MessageRetryInterval ≤ 5 min; otherwise **Unknown** (never Fail).',
    correction='Kept as upstream; the conflict with TLS-017 is stated.',
    cases=['40 and 5 min → Pass', '20 and 5 min → Unknown', '40 and 10 min → Unknown', 'Unlimited and 1 min → Pass'],
))

g.append(dict(
    id='EDCA-TLS-016', title='The transport service opens at most 1000 outbound connections',
    desc='The limit on simultaneous outbound connections keeps a compromised mailbox or a mail loop from turning the server into a high-volume sender. 1000 is the Exchange default and the value the DISA STIG requires.',
    fix='Set MaxOutboundConnections to 1000 on the transport service.',
    script=TS_SCRIPT.format(p='MaxOutboundConnections', v='1000'),
    cons='Upstream requires exactly 1000; the agent accepts lower values too, since a lower limit is stricter. Unlimited fails.',
    facts=[f(TS, SRV, 'MaxOutboundConnections')],
    rules=[('Fail', 'MaxOutboundConnections is "Unlimited" or > 1000'), ('Pass', 'MaxOutboundConnections <= 1000')],
    upstream='A L6069: Pass only when exactly 1000; Unlimited or any other value → Fail.',
    correction='A lower value passes.',
    cases=['1000 → Pass', '500 → Pass', '2000 → Fail', 'Unlimited → Fail'],
))

g.append(dict(
    id='EDCA-TLS-017', title='The transport service opens at most 20 connections per destination domain',
    desc='A per-domain limit keeps one destination from taking all outbound connections and limits how fast a compromised account can flood a single domain. 20 is the Exchange default and the DISA STIG value.',
    fix='Set MaxPerDomainOutboundConnections to 20 on the transport service.',
    script=TS_SCRIPT.format(p='MaxPerDomainOutboundConnections', v='20'),
    cons='Conflicts with EDCA-TLS-002 (HealthChecker: at least 40); see there. Upstream requires exactly 20; the agent accepts lower values. Unlimited fails.',
    facts=[f(TS, SRV, 'MaxPerDomainOutboundConnections')],
    rules=[('Fail', 'MaxPerDomainOutboundConnections is "Unlimited" or > 20'), ('Pass', 'MaxPerDomainOutboundConnections <= 20')],
    upstream='A L6095: Pass only when exactly 20; Unlimited or any other value → Fail.',
    correction='A lower value passes.',
    cases=['20 → Pass', '10 → Pass', '40 → Fail', 'Unlimited → Fail'],
))

TC = 'Get-TransportConfig'
for id, prop, title, desc in [
    ('EDCA-TLS-008', 'MaxSendSize', 'The organisation-wide maximum send size is 25 MB or less',
     'The organisation limit caps the size of any message a user sends. Large messages fill queues and mailboxes, and a high limit makes data exfiltration by mail easier; Exchange sets 10 MB by default.'),
    ('EDCA-TLS-009', 'MaxReceiveSize', 'The organisation-wide maximum receive size is 25 MB or less',
     'The organisation limit caps the size of any message the organisation accepts. Without it, senders outside can fill queues and disks with large messages; Exchange sets 10 MB by default.'),
]:
    g.append(dict(id=id, title=title, desc=desc, fix='Set %s to 25 MB or less with Set-TransportConfig.' % prop,
                  script="# Organisation message size limits\nGet-TransportConfig | Select-Object MaxSendSize, MaxReceiveSize\n# Set-TransportConfig -%s 25MB" % prop,
                  cons='Connector and mailbox limits apply in addition; the smallest limit on the path wins. Encoding adds about a third to attachment size, so a 25 MB limit admits attachments of about 18 MB.',
                  facts=[f(TC, ORG, prop)],
                  rules=[('Fail', '%s is "Unlimited" or > 26214400 bytes' % prop), ('Pass', '%s <= 26214400 bytes' % prop)],
                  upstream='A (org block, L229 list): the value parsed from its text form; Pass when ≤ 25 MB.',
                  correction='The stage gives bytes; upstream parses the display string "10 MB (10,485,760 bytes)", which depends on the culture of the session (inferred).',
                  cases=['10 MB → Pass', '25 MB → Pass', '50 MB → Fail', 'Unlimited → Fail']))

g.append(dict(
    id='EDCA-TLS-019', title='A message may have at most 5000 recipients organisation-wide',
    desc='The recipient envelope limit bounds how many recipients one message can reach. A low limit slows down mass mailing from a compromised account; Exchange sets 500 by default.',
    fix='Set MaxRecipientEnvelopeLimit to 5000 or less with Set-TransportConfig.',
    script="# Organisation recipient limit\nGet-TransportConfig | Select-Object MaxRecipientEnvelopeLimit\n# Set-TransportConfig -MaxRecipientEnvelopeLimit 500",
    cons='Distribution groups count as one recipient until expansion, so the limit does not block mail to large groups.',
    facts=[f(TC, ORG, 'MaxRecipientEnvelopeLimit')],
    rules=[('Fail', 'MaxRecipientEnvelopeLimit is "Unlimited" or > 5000'), ('Pass', 'MaxRecipientEnvelopeLimit <= 5000')],
    upstream='A (org block): Unlimited → Fail; Pass when ≤ 5000.', correction=None,
    cases=['500 → Pass', '5000 → Pass', '10000 → Fail', 'Unlimited → Fail']))

# ---------------------------------------------------------------------------------------------------------------
# Get-ReceiveConnector (per server; Edge local)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-ReceiveConnector (Mailbox and Edge)', '''`Get-ReceiveConnector -Server $env:COMPUTERNAME`, one row
per connector of this server; on Edge the same call reads AD LDS. Common correction: upstream judges every
connector, including disabled ones; a disabled connector accepts nothing, so the agent judges **enabled** connectors
only and names disabled ones nowhere. A server with no enabled connector is unusual (setup creates five on Mailbox,
one on Edge): for the "every connector" rules it gives Unknown, as upstream's "no data".''', g))

RC = 'Get-ReceiveConnector'
RC_SCRIPT = "# Receive connectors of this server\nGet-ReceiveConnector -Server $env:COMPUTERNAME | Format-Table Identity, Enabled, TransportRole, {p} -AutoSize\n# Change one connector\n# Set-ReceiveConnector -Identity '<server>\\<connector>' -{p} {v}"


def rc(id, prop, title, desc, fix, v, rules, upstream, correction, cases, cons, extra=()):
    return dict(id=id, title=title, desc=desc, fix=fix, script=RC_SCRIPT.format(p=prop, v=v), cons=cons,
                facts=[f(RC, SRV, 'Identity', 'Enabled', 'TransportRole', prop, *extra)],
                derive={'enabled': 'the rows with Enabled true'},
                rules=[('Unknown', 'enabled is empty')] + rules, upstream=upstream, correction=correction, cases=cases)


g.append(rc('EDCA-MON-007', 'ProtocolLoggingLevel', 'Every receive connector logs the SMTP conversation',
    'Verbose protocol logging writes each SMTP command and reply a connector receives. It is the evidence for who connected, from where, with which authentication and TLS, when mail abuse or a relay attempt is investigated.',
    'Set ProtocolLoggingLevel to Verbose on every receive connector.', 'Verbose',
    [('Fail', 'any enabled row has ProtocolLoggingLevel other than Verbose', 'evidence: those connectors'), ('Pass', 'otherwise')],
    'A L5852: Fail when any connector (enabled or not) is not Verbose; no connectors → Unknown.',
    'Only enabled connectors are judged.',
    ['all five default connectors Verbose → Pass', 'Default Frontend None → Fail', 'a disabled connector None, the rest Verbose → Pass', 'no rows → Unknown'],
    'Protocol logs grow with traffic and are pruned by age and size of the log folder (Set-TransportService ReceiveProtocolLogMaxAge / ...MaxDirectorySize); they contain addresses of senders and recipients.'))

g.append(rc('EDCA-TLS-013', 'MaxMessageSize', 'Every receive connector accepts messages of at most 25 MB',
    'The connector limit is the first size check an incoming message meets. An unlimited or very high limit lets a sender fill queues and disks before any other limit applies.',
    'Set MaxMessageSize to 25 MB or less on every receive connector.', '25MB',
    [('Fail', 'any enabled row has MaxMessageSize "Unlimited" or > 26214400 bytes'), ('Pass', 'otherwise')],
    'A L5966: each connector MaxMessageSize parsed from text, ≤ 25 MB.',
    'Only enabled connectors; bytes from the stage instead of text parsing.',
    ['36 MB on Client Frontend (setup default) → Fail', 'all 25 MB → Pass', 'Unlimited → Fail'],
    'Setup gives the client connectors (Client Frontend, Client Proxy) 36 MB, so a server left as installed fails; lowering them limits what Outlook clients can send through SMTP submission.'))

g.append(rc('EDCA-TLS-015', 'MaxHopCount', 'Every receive connector limits hops to 60',
    'The hop limit stops a message that loops between servers: once it has passed more than the limit, it is returned as undeliverable. 60 is the Exchange default; a higher value lets loops consume resources longer.',
    'Set MaxHopCount to 60 on every receive connector.', '60',
    [('Fail', 'any enabled row has MaxHopCount > 60'), ('Pass', 'otherwise')],
    'A L6042: Pass only when every connector has exactly 60.',
    'A lower limit is accepted; only a higher one fails. Only enabled connectors.',
    ['60 everywhere → Pass', '30 → Pass', '100 → Fail'],
    'Very long legitimate routes (forwarding chains through several organisations) are the only reason to raise it.'))

g.append(rc('EDCA-TLS-020', 'ConnectionTimeout', 'Every receive connector drops idle connections within 5 minutes',
    'The connection timeout bounds how long a connection may stay open. Long timeouts let a slow or malicious client hold connections and exhaust the connector\'s limit.',
    'Set ConnectionTimeout to 5 minutes or less on every receive connector.', '00:05:00',
    [('Fail', 'any enabled row has ConnectionTimeout "Unlimited" or > 300 s'), ('Pass', 'otherwise')],
    'A L6420: every connector ConnectionTimeout ≤ 5 min.',
    'Only enabled connectors.',
    ['5 min → Pass', '10 min (setup default on Mailbox connectors) → Fail', '00:01:00 → Pass'],
    'Setup uses 10 minutes on Mailbox-role connectors and 5 on Edge (inferred), so a Mailbox server as installed fails.'))

g.append(rc('EDCA-TLS-021', 'RequireTLS', 'Every internal (Hub Transport) receive connector requires TLS',
    'Receive connectors of the transport service itself (TransportRole HubTransport) carry mail between Exchange servers and from the front end. Requiring TLS there ensures that no message travels in clear text inside the organisation.',
    'Set RequireTLS to true on every HubTransport receive connector, after checking that every sender uses TLS.', '$true',
    [('Unknown', 'no enabled row has TransportRole HubTransport'), ('Fail', 'any enabled HubTransport row has RequireTLS false'), ('Pass', 'otherwise')],
    'A L6480: every connector whose TransportRole is not FrontendTransport must have RequireTLS; none → Unknown.',
    'Only enabled connectors, and only HubTransport ones (upstream: every role other than FrontendTransport, which also takes in connectors whose role is empty). On Edge the TransportRole value of receive connectors is to be verified on a lab server; if it is not HubTransport, Edge servers give Unknown here and EDCA-TLS-039 is the check that matters.',
    ['Default MBX and Client Proxy MBX RequireTLS true → Pass', 'Default MBX false (setup default) → Fail', 'only FrontendTransport rows → Unknown'],
    'Exchange already negotiates TLS between its servers; setting RequireTLS turns opportunistic into mandatory, so a device or application relaying through a HubTransport connector without TLS will be refused.'))

g.append(rc('EDCA-TLS-022', 'MaxRecipientsPerMessage', 'Every receive connector limits the recipients per message',
    'The per-connector recipient limit bounds how many recipients one SMTP transaction may name, slowing down mass mailing through a compromised account or an open relay.',
    'Set MaxRecipientsPerMessage on every receive connector (200 is the Exchange default for most connectors).', '200',
    [('Fail', 'any enabled row has MaxRecipientsPerMessage null, 0 or "Unlimited"'), ('Pass', 'otherwise')],
    'A L6507: Fail when any connector has an empty, Unlimited or 0 value.',
    'Only enabled connectors. No upper threshold is applied, as upstream.',
    ['200 everywhere → Pass', 'Unlimited on one → Fail', '5000 → Pass'],
    'Connectors used by applications that send to many recipients at once may need a higher value; the control only requires a limit.'))

g.append(rc('EDCA-TLS-001', 'PermissionGroups', 'Anonymous internet mail and internal relay arrive on separate receive connectors',
    'A connector that admits anonymous senders from the internet must not also grant relay rights meant for servers or users of the organisation. Separate connectors for the two patterns, with TLS offered to anonymous senders, keep an anonymous sender from relaying.',
    'Keep the anonymous (internet) connector with AnonymousUsers and TLS, and create a separate connector, restricted by RemoteIPRanges, for internal relay.', "'AnonymousUsers'",
    [('Fail', 'no enabled row has AnonymousUsers in PermissionGroups and Tls in AuthMechanism', 'no external pattern'),
     ('Fail', 'role is Mailbox and no enabled row has ExchangeServers or ExchangeUsers in PermissionGroups without AnonymousUsers', 'no internal pattern'),
     ('Pass', 'otherwise')],
    'A L3760: Pass when an external pattern (AnonymousUsers + Tls) and, on Mailbox, an internal pattern (ExchangeServers/ExchangeUsers without AnonymousUsers) both exist; Edge needs only the external one.',
    'Kept as upstream, on enabled connectors. Setup\'s Default Frontend connector holds AnonymousUsers together with ExchangeServers (inferred), so "mixed permission groups" cannot be a finding by itself; real anonymous relay is granted by an AD permission (ms-Exch-SMTP-Accept-Any-Recipient for ANONYMOUS LOGON, seen with Get-ADPermission), which this control does not read — a candidate for a later allow-list entry.',
    ['five default Mailbox connectors → Pass', 'no connector with AnonymousUsers → Fail', 'Mailbox with only an anonymous connector → Fail', 'Edge with only the default internet connector → Pass', 'the anonymous connector without Tls in AuthMechanism → Fail'],
    'Changing permission groups on a live connector can stop mail from devices and applications that relay; inventory them first (protocol logs).',
    extra=('AuthMechanism', 'RemoteIPRanges')))

g.append(rc('EDCA-TLS-041', 'Banner', 'The SMTP banner of internet-facing receive connectors does not reveal the Exchange version',
    'The SMTP banner is the first line a connecting client reads. A banner that names the product and build tells an attacker which vulnerabilities to try.',
    'Set a neutral Banner on every internet-facing receive connector, for example "220 mail service ready".', "'220 mail service ready'",
    [('Skipped', 'no enabled row has AnonymousUsers in PermissionGroups', 'no internet-facing connector'),
     ('Fail', 'any such row has a Banner that contains "Exchange" or a build number like 15.x.y (case-insensitive)'),
     ('Pass', 'otherwise', 'an empty Banner gives Exchange\'s default greeting, which names Microsoft ESMTP but no version')],
    'A L7659: internet-facing = AnonymousUsers and AuthMechanism Tls or None; Fail when the banner matches `exchange` or `15.x.y`; none → **Pass**.',
    'No internet-facing connector is Skipped, not Pass. Internet-facing is AnonymousUsers in PermissionGroups whatever the AuthMechanism.',
    ['empty banner → Pass', "'220 Microsoft Exchange Server 2019 15.2.1544.4 ready' → Fail", "'220 mail.contoso.com ESMTP' → Pass", 'no anonymous connector → Skipped'],
    'The default greeting still names "Microsoft ESMTP MAIL Service", which reveals the product but not the build; some baselines ask for a fully neutral banner, which this control does not require.',
    extra=('PermissionGroups', 'AuthMechanism')))

g.append(dict(
    id='EDCA-TLS-029', title='The hybrid receive connector accepts Microsoft 365 mail only over TLS with the cloud certificate',
    desc='In a hybrid deployment, Exchange Online delivers to the on-premises front end over SMTP. The front-end connector must require TLS with Exchange Online\'s certificate (TlsDomainCapabilities for mail.protection.outlook.com), so that mail claiming to come from the tenant is really from it and is treated as internal.',
    fix='Run the Hybrid Configuration Wizard again, or set TlsDomainCapabilities "mail.protection.outlook.com:AcceptCloudServicesMail" and Tls authentication on the front-end connector that receives from Exchange Online.',
    script="# Front-end receive connectors of the organisation and their TLS settings\nGet-ReceiveConnector | Where-Object TransportRole -eq 'FrontendTransport' | Format-List Identity, Enabled, AuthMechanism, TlsCertificateName, TlsDomainCapabilities\n# Set-ReceiveConnector -Identity '<server>\\Default Frontend <server>' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'",
    automatable=False,
    cons='Applies only when the organisation has a hybrid send connector (EDCA-TLS-003); without hybrid the control is Skipped. Each front-end server that receives from Exchange Online must carry the setting; the Hybrid Configuration Wizard sets it on the servers chosen in the wizard.',
    facts=[f(RC, 'Organization (all servers: Get-ReceiveConnector without -Server)', 'Identity', 'Enabled', 'TransportRole', 'AuthMechanism', 'TlsDomainCapabilities'),
           f('Get-SendConnector', ORG, 'Identity', 'CloudServicesMailEnabled', 'SmartHosts')],
    applicable='some send connector has CloudServicesMailEnabled true or a SmartHost ending in mail.protection.outlook.com (hybrid)',
    derive={'hybrid': 'enabled FrontendTransport rows whose TlsDomainCapabilities contains mail.protection.outlook.com:AcceptCloudServicesMail or :AcceptOorgProtocol (ignoring case)'},
    rules=[('Fail', 'hybrid is empty', 'hybrid mail flow without a connector that recognises Exchange Online'),
           ('Fail', 'any hybrid row lacks Tls in AuthMechanism'),
           ('Pass', 'otherwise')],
    upstream='A L1023: looks only at FrontendTransport connectors with a non-empty TlsDomainCapabilities; none → **Unknown**; per connector Fail when disabled, the capability does not name mail.protection.outlook.com, or Tls is missing from AuthMechanism.',
    correction='Hybrid is detected from the send connectors, so a hybrid organisation with no recognising connector Fails instead of Unknown, and a non-hybrid organisation is Skipped. verify=false upstream.',
    cases=['hybrid, Default Frontend with AcceptCloudServicesMail and Tls → Pass', 'hybrid, no capability anywhere → Fail', 'hybrid, capability but AuthMechanism without Tls → Fail', 'no hybrid send connector → Skipped', 'send connector cmdlet denied → Unknown'],
))

GROUPS[-1][2][[c['id'] for c in GROUPS[-1][2]].index('EDCA-TLS-001')]['script'] = (
    "# Receive connectors with their permission groups and authentication\n"
    "Get-ReceiveConnector -Server $env:COMPUTERNAME | Format-Table Identity, Enabled, TransportRole, PermissionGroups, AuthMechanism -AutoSize\n"
    "# An internal relay connector restricted to known senders (example)\n"
    "# New-ReceiveConnector -Name 'Internal relay' -Server $env:COMPUTERNAME -TransportRole FrontendTransport -Usage Custom "
    "-Bindings 0.0.0.0:25 -RemoteIPRanges 10.0.5.20 -PermissionGroups ExchangeServers -AuthMechanism Tls,ExternalAuthoritative")

# ---------------------------------------------------------------------------------------------------------------
# Get-SendConnector (organisation)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-SendConnector (organisation)', '''Send connectors are organisation objects: one call on the
organisation-facts server. **External** connector = an enabled connector with an address space `*` (SMTP type;
`SMTP:*;1` in the normalised form). **Hybrid** connector = CloudServicesMailEnabled true or a smart host in
`mail.protection.outlook.com`. Common correction: upstream judges disabled connectors too; the agent judges enabled
connectors only. No external connector → Skipped (the organisation does not send to the internet directly) instead
of upstream's Unknown.''', g))

SC = 'Get-SendConnector'
SC_SCRIPT = "# Send connectors\nGet-SendConnector | Format-Table Identity, Enabled, AddressSpaces, {p} -AutoSize\n# Change one connector\n# Set-SendConnector -Identity '<connector>' -{p} {v}"
EXTERNAL = 'enabled rows with an AddressSpaces entry whose domain is * (SMTP)'


def sc(id, props, title, desc, fix, script, rules, upstream, correction, cases, cons, external=True):
    return dict(id=id, title=title, desc=desc, fix=fix, script=script, cons=cons,
                facts=[f(SC, ORG, 'Identity', 'Enabled', 'AddressSpaces', *props)],
                applicable='external is not empty' if external else None,
                derive={'external': EXTERNAL} if external else {'enabled': 'the rows with Enabled true'},
                rules=rules, upstream=upstream, correction=correction, cases=cases)


g.append(sc('EDCA-MON-008', ['ProtocolLoggingLevel'], 'Every send connector logs the SMTP conversation',
    'Verbose protocol logging on a send connector records each SMTP exchange with the receiving server, including whether TLS was negotiated. Without it, failed or intercepted deliveries cannot be reconstructed.',
    'Set ProtocolLoggingLevel to Verbose on every send connector.', SC_SCRIPT.format(p='ProtocolLoggingLevel', v='Verbose'),
    [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has ProtocolLoggingLevel other than Verbose'), ('Pass', 'otherwise')],
    'A L1593: every send connector Verbose; none → Unknown.', 'Only enabled connectors.',
    ['all Verbose → Pass', 'internet connector None (default) → Fail', 'disabled connector None → Pass', 'no connectors → Unknown'],
    'Send protocol logs live on each source server; their size is bounded by the transport service settings (SendProtocolLogMaxAge, ...MaxDirectorySize).', external=False))

g.append(sc('EDCA-TLS-010', ['DNSRoutingEnabled', 'SmartHosts'], 'The internet send connector delivers by DNS (MX) lookup',
    'With DNS routing the server looks up each destination\'s MX record and can apply domain-specific TLS (DANE, domain security, MTA-STS through Exchange Online). Upstream treats smart-host routing for internet mail as a departure from this baseline.',
    'Enable DNS routing on the internet send connector, or document the smart host (mail gateway) that replaces it.',
    SC_SCRIPT.format(p='DNSRoutingEnabled', v='$true'),
    [('Fail', 'any external row has DNSRoutingEnabled false', 'evidence: the smart hosts'), ('Pass', 'otherwise')],
    'A (org block): the external connector has DNSRoutingEnabled true; no external connector → Unknown.',
    'No external connector → Skipped.',
    ['DNS routing → Pass', 'smart host 10.0.0.25 → Fail', 'no * connector → Skipped'],
    'Many organisations route internet mail through a filtering gateway by smart host on purpose; then this control should be disabled for the organisation. EDCA-TLS-042 asks the opposite of Edge servers (a smart host for internet mail); the two are upstream\'s and are kept as they are.'))

g.append(sc('EDCA-TLS-011', ['IgnoreStartTLS'], 'The internet send connector uses STARTTLS when the receiver offers it',
    'IgnoreStartTLS makes the connector ignore a receiver\'s offer of TLS and send in clear text. The internet connector should always take TLS when it is offered.',
    'Set IgnoreStartTLS to false on the internet send connector.', SC_SCRIPT.format(p='IgnoreStartTLS', v='$false'),
    [('Fail', 'any external row has IgnoreStartTLS true'), ('Pass', 'otherwise')],
    'A (org block): Fail when the external connector has IgnoreStartTLS true.', 'No external connector → Skipped.',
    ['false → Pass', 'true → Fail', 'no * connector → Skipped'],
    'There is no legitimate reason to ignore STARTTLS on internet mail; a partner whose TLS is broken is better handled by a separate connector for that domain.'))

g.append(sc('EDCA-TLS-012', ['MaxMessageSize'], 'Every send connector sends messages of at most 25 MB',
    'The send limit caps what leaves the organisation through a connector. Without it, a compromised mailbox can send very large messages, and large messages wait in queues where receivers refuse them anyway.',
    'Set MaxMessageSize to 25 MB or less on every send connector.', SC_SCRIPT.format(p='MaxMessageSize', v='25MB'),
    [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has MaxMessageSize "Unlimited" or > 26214400 bytes'), ('Pass', 'otherwise')],
    'A (org block): each connector ≤ 25 MB; Unlimited → Fail.', 'Only enabled connectors.',
    ['35 MB (setup default for new connectors) → Fail', '25 MB → Pass', 'Unlimited → Fail'],
    'New send connectors get 35 MB by default (inferred), so a connector created without a size fails.', external=False))

g.append(sc('EDCA-TLS-014', ['DomainSecureEnabled'], 'The internet send connector has domain security enabled',
    'Domain security gives mutual, certificate-authenticated TLS with named partner domains (the organisation\'s TLSSendDomainSecureList). It only works through a send connector on which DomainSecureEnabled is true.',
    'Set DomainSecureEnabled to true on the internet send connector and list partner domains with Set-TransportConfig -TLSSendDomainSecureList.',
    SC_SCRIPT.format(p='DomainSecureEnabled', v='$true'),
    [('Fail', 'any external row has DomainSecureEnabled false'), ('Pass', 'otherwise')],
    'A (org block) **(title)**: the external connector has DomainSecureEnabled.', 'No external connector → Skipped.',
    ['true → Pass', 'false → Fail', 'no * connector → Skipped'],
    'The setting alone does not protect anything until partner domains are listed in TLSSendDomainSecureList and TLSReceiveDomainSecureList; it requires DNS routing on the connector.'))

g.append(sc('EDCA-TLS-018', ['ConnectionInactivityTimeOut'], 'Send connectors close idle connections within 10 minutes',
    'The inactivity timeout bounds how long an outbound SMTP connection stays open without traffic; long timeouts hold connections that other deliveries need.',
    'Set ConnectionInactivityTimeOut to 10 minutes or less on every send connector.', SC_SCRIPT.format(p='ConnectionInactivityTimeOut', v='00:10:00'),
    [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has ConnectionInactivityTimeOut > 600 s'), ('Pass', 'otherwise')],
    'A (org block): each send connector ≤ 10 min.', 'Only enabled connectors.',
    ['10 min (default) → Pass', '20 min → Fail'],
    'The default is 10 minutes; the control only catches connectors where it was raised.', external=False))

g.append(dict(
    id='EDCA-TLS-003', title='The hybrid send connector requires TLS and validates Exchange Online\'s certificate',
    desc='The hybrid send connector carries mail from on-premises mailboxes to Exchange Online. It must require TLS, check that the certificate belongs to mail.protection.outlook.com (TlsAuthLevel DomainValidation with that TlsDomain), and present the organisation\'s own certificate by name, so that the mail is neither readable nor redirectable in transit.',
    fix='Run the Hybrid Configuration Wizard again, or set RequireTLS true, TlsAuthLevel DomainValidation, TlsDomain mail.protection.outlook.com and TlsCertificateName on the hybrid send connector.',
    script="# Hybrid send connectors\nGet-SendConnector | Where-Object { $_.CloudServicesMailEnabled -or ($_.SmartHosts -match 'mail\\.protection\\.outlook\\.com') } |\n    Format-List Identity, Enabled, RequireTLS, TlsAuthLevel, TlsDomain, TlsCertificateName, SmartHosts\n# Set-SendConnector -Identity 'Outbound to Office 365 - <guid>' -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain mail.protection.outlook.com",
    automatable=False,
    cons='Applies only in a hybrid organisation. TlsCertificateName must name the certificate as <I>issuer<S>subject; the agent checks that it is set and has that shape, not that the certificate exists (that needs Get-ExchangeCertificate on every source server).',
    facts=[f(SC, ORG, 'Identity', 'Enabled', 'CloudServicesMailEnabled', 'SmartHosts', 'RequireTLS', 'TlsAuthLevel', 'TlsDomain', 'TlsCertificateName')],
    applicable='hybrid (enabled rows with CloudServicesMailEnabled true or a SmartHost ending in mail.protection.outlook.com) is not empty',
    derive={'hybrid': 'as applicableIf'},
    rules=[('Fail', 'any hybrid row has RequireTLS false'),
           ('Fail', 'any hybrid row has TlsAuthLevel other than DomainValidation'),
           ('Fail', 'any hybrid row has TlsDomain other than mail.protection.outlook.com (a leading *. and a trailing dot allowed)'),
           ('Fail', 'any hybrid row has an empty TlsCertificateName, or one that does not match ^<I>.+<S>.+$'),
           ('Pass', 'otherwise')],
    upstream='A L899: hybrid connectors found as above from every server\'s copy, de-duplicated; none → **Unknown**; per connector the four checks.',
    correction='No hybrid connector → Skipped (the organisation is not hybrid). Disabled connectors are left out.',
    cases=['wizard defaults → Pass', 'TlsAuthLevel CertificateValidation → Fail', 'TlsDomain empty → Fail', 'TlsCertificateName "CN=mail.contoso.com" → Fail', 'no hybrid connector → Skipped'],
))

# ---------------------------------------------------------------------------------------------------------------
# Get-RemoteDomain (organisation)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-RemoteDomain (organisation)', '''Remote domains are organisation objects; the `Default` remote
domain (`*`) applies to every domain without its own entry. All four controls judge **every** remote domain, as
upstream (A L1341–1490). No rows → Unknown (Exchange always has `Default`).''', g))

RD = 'Get-RemoteDomain'
for id, prop, bad, title, desc, fix, cons, cases in [
    ('EDCA-TLS-004', 'AutoForwardEnabled', 'true', 'Automatic forwarding to remote domains is blocked',
     'When a remote domain allows automatic forwarding, inbox rules and forwarding settings can send a user\'s mail outside the organisation without anyone noticing; it is a common step after an account is taken over.',
     'Set AutoForwardEnabled to false on the Default remote domain and on every other remote domain.',
     'Forwarding that the business needs (to a partner\'s domain) can be allowed on that domain\'s own remote domain entry; the control then fails for that entry, and an exception should be recorded. Administrator-set forwarding (ForwardingSmtpAddress) is also stopped by this setting.',
     ['Default false → Pass', 'Default true → Fail', 'Default false, partner.example true → Fail']),
    ('EDCA-TLS-005', 'AutoReplyEnabled', 'true', 'Automatic replies to remote domains are blocked',
     'Automatic replies (from inbox rules) to outside senders confirm that an address is valid and can leak internal information to spammers and attackers.',
     'Set AutoReplyEnabled to false on every remote domain.',
     'Out-of-office replies are controlled separately (AllowedOOFType, EDCA-TLS-007). Rules that reply to customers on purpose will stop working for outside senders.',
     ['false everywhere → Pass', 'Default true → Fail']),
    ('EDCA-TLS-006', 'NDREnabled', 'true', 'Non-delivery reports are not sent to remote domains',
     'Non-delivery reports to outside senders confirm which addresses exist and can be abused for backscatter: spam with a forged sender makes the organisation send reports to the victim.',
     'Set NDREnabled to false on every remote domain.',
     'Legitimate outside senders no longer learn that their message was not delivered, which can cost support time; many organisations accept this trade-off only for the Default domain. The DISA STIG asks for it.',
     ['false everywhere → Pass', 'Default true (default) → Fail']),
]:
    g.append(dict(id=id, title=title, desc=desc, fix=fix,
                  script="# Remote domains\nGet-RemoteDomain | Format-Table Identity, DomainName, %s -AutoSize\n# Set-RemoteDomain -Identity Default -%s $false" % (prop, prop),
                  cons=cons, facts=[f(RD, ORG, 'Identity', 'DomainName', prop)],
                  rules=[('Unknown', 'no rows'), ('Fail', 'any row has %s %s' % (prop, bad), 'evidence: the domains'), ('Pass', 'otherwise')],
                  upstream='A L1341–1490: Fail when any remote domain has %s true; none → Unknown.' % prop,
                  correction=None, cases=cases))

g.append(dict(
    id='EDCA-TLS-007', title='Out-of-office replies are not sent to remote domains',
    desc='Out-of-office replies to outside senders tell anyone who writes, including spammers and attackers, that a person is away, for how long and often who replaces them.',
    fix='Set AllowedOOFType to None on every remote domain, or to External only where the organisation accepts it.',
    script="# Remote domains and their out-of-office setting\nGet-RemoteDomain | Format-Table Identity, DomainName, AllowedOOFType -AutoSize\n# Set-RemoteDomain -Identity Default -AllowedOOFType None",
    cons='Most organisations want out-of-office replies for customers and partners; this control follows the strict reading (None) of upstream and the STIG. A compromise is External on the Default domain with users told what to write; such an organisation should disable the control.',
    facts=[f(RD, ORG, 'Identity', 'DomainName', 'AllowedOOFType')],
    rules=[('Unknown', 'no rows'), ('Fail', 'any row has AllowedOOFType other than None'), ('Pass', 'otherwise')],
    upstream='A L1341–1490: Fail when any remote domain has AllowedOOFType ≠ None.', correction=None,
    cases=['None everywhere → Pass', 'Default External (default) → Fail', 'Default None, partner InternalLegacy → Fail']))

# ---------------------------------------------------------------------------------------------------------------
# Get-MailboxDatabase (per database of this server) and local volume facts
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-MailboxDatabase (Database subject), with local volume facts', '''`Get-MailboxDatabase -Server
$env:COMPUTERNAME` (without `-Status`, see `cmdlets.md` row 26): one row per database **that has a copy on this
server**. A database with copies on several servers is reported once per server that holds a copy, named
`<database> on <server>`; for the configuration controls (quotas, retention) the value is the same on every copy, so
the agent reports them once per database (the organisation-level de-duplication of issue 12 §3). Recovery databases
(`Recovery` true) are left out. No database on a Mailbox server → Skipped (nothing to judge).

Volume controls join each database's `EdbFilePath` and `LogFolderPath` with the `volume` facts of issue 16
(`Drafts/local-facts`): the volume is the one whose mount point (`name`, e.g. `D:\\`, or a mount-point folder
`C:\\ExchangeVolumes\\DB01\\`) is the longest case-insensitive prefix of the path. A path no volume covers →
Unknown for that database.''', g))

MD = 'Get-MailboxDatabase'
MD_BASE = ('Name', 'Server', 'Recovery')
MD_SCRIPT = "# Mailbox databases on this server\nGet-MailboxDatabase -Server $env:COMPUTERNAME | Format-Table Name, {p} -AutoSize\n# Set-MailboxDatabase -Identity '<database>' -{p} {v}"
VOL = {'kind': 'volume', 'fields': ['systemDrive', 'volumes.name', 'volumes.driveLetter', 'volumes.fileSystem', 'volumes.blockSize']}


def md(id, props, title, desc, fix, script, rules, upstream, correction, cases, cons, extra_facts=(), derive=None):
    return dict(id=id, title=title, desc=desc, fix=fix, script=script, cons=cons,
                facts=[f(MD, DB, *(MD_BASE + tuple(props)))] + list(extra_facts),
                applicable='the database is not a recovery database',
                derive=derive, rules=rules, upstream=upstream, correction=correction, cases=cases)


for id, prop, title, desc, fix in [
    ('EDCA-GOV-005', 'IssueWarningQuota', 'Each mailbox database warns users before their mailbox is full',
     'The issue-warning quota sends users a warning when their mailbox grows past it, so that they clean up before the send and receive limits stop their mail.',
     'Set IssueWarningQuota on every mailbox database, below ProhibitSendQuota.'),
    ('EDCA-GOV-006', 'ProhibitSendReceiveQuota', 'Each mailbox database has a prohibit-send-and-receive quota',
     'The prohibit-send-and-receive quota is the hard ceiling of a mailbox. Without it a single mailbox can grow until the database volume is full, which dismounts the database for every user on it.',
     'Set ProhibitSendReceiveQuota on every mailbox database, above ProhibitSendQuota.'),
    ('EDCA-GOV-007', 'ProhibitSendQuota', 'Each mailbox database has a prohibit-send quota',
     'The prohibit-send quota stops a full mailbox from sending while it still receives, which makes the user act before mail is refused. Without it, the only limit left is the hard one, if any.',
     'Set ProhibitSendQuota on every mailbox database, between IssueWarningQuota and ProhibitSendReceiveQuota.'),
]:
    g.append(md(id, [prop], title, desc, fix, MD_SCRIPT.format(p=prop, v='<size, e.g. 49GB>'),
                [('Fail', '%s is "Unlimited"' % prop), ('Pass', 'otherwise')],
                'A L5875/5900/5925: per database, Fail when the quota\'s IsUnlimited flag is true.', None,
                ['value 49 GB → Pass', 'Unlimited → Fail', 'recovery database Unlimited → Skipped', 'two databases, one Unlimited → one Pass, one Fail', 'no databases → Skipped'],
                'Exchange 2013 and later set all three quotas on new databases (about 1.9, 2 and 2.3 GB), so Unlimited means someone removed them. Mailboxes can override the database quota (UseDatabaseQuotaDefaults false); those are not examined.'))

g.append(md('EDCA-GOV-010', ['IssueWarningQuota', 'ProhibitSendQuota', 'ProhibitSendReceiveQuota'],
    'Each mailbox database\'s quotas are set and in the order warn, stop sending, stop receiving',
    'Quotas protect the database volume only when the hard limits are set, and they give users time to react only when they are in order: first a warning, then sending is blocked, and only then is incoming mail refused.',
    'Set the three quotas so that IssueWarningQuota < ProhibitSendQuota < ProhibitSendReceiveQuota.',
    "# Quotas of the mailbox databases on this server\nGet-MailboxDatabase -Server $env:COMPUTERNAME | Format-Table Name, IssueWarningQuota, ProhibitSendQuota, ProhibitSendReceiveQuota -AutoSize\n# Set-MailboxDatabase -Identity '<database>' -IssueWarningQuota 45GB -ProhibitSendQuota 49GB -ProhibitSendReceiveQuota 50GB",
    [('Fail', 'ProhibitSendQuota or ProhibitSendReceiveQuota is "Unlimited"'),
     ('Fail', 'ProhibitSendReceiveQuota <= ProhibitSendQuota', 'incoming mail is refused before sending is blocked'),
     ('Fail', 'IssueWarningQuota is a size and >= ProhibitSendQuota', 'no warning before sending is blocked'),
     ('Pass', 'otherwise')],
    'A L6961: per database, Fail when ProhibitSendReceiveQuota or ProhibitSendQuota is Unlimited (the same facts as GOV-006 and GOV-007).',
    'Upstream repeats GOV-006/007. The agent adds the order of the three quotas, which is what the title ("do not block mail flow") is about.',
    ['1.9/2/2.3 GB (defaults) → Pass', 'send 2 GB, send-receive 2 GB → Fail', 'warning 3 GB above send 2 GB → Fail', 'send-receive Unlimited → Fail'],
    'An equal send and send-receive quota makes mail bounce to outside senders on the same day the user is told.'))

for id, prop, days, title, desc in [
    ('EDCA-RES-004', 'DeletedItemRetention', 14, 'Each mailbox database keeps deleted items for at least 14 days',
     'Deleted-item retention is the window in which a user (or an administrator) can recover a message after emptying Deleted Items. Shorter windows turn ordinary mistakes and malicious deletions into restores from backup.'),
    ('EDCA-RES-005', 'MailboxRetention', 30, 'Each mailbox database keeps deleted mailboxes for at least 30 days',
     'Mailbox retention is how long a disconnected or deleted mailbox stays in the database and can be reconnected. Shorter windows make an accidental account deletion a restore from backup.'),
]:
    g.append(md(id, [prop], title, desc, 'Set %s to %d days or more on every mailbox database.' % (prop, days),
                MD_SCRIPT.format(p=prop, v='%d.00:00:00' % days),
                [('Fail', '%s < %d s' % (prop, days * 86400)), ('Pass', 'otherwise')],
                'A L5778/5802: per database, Pass when the value in days is ≥ %d.' % days, None,
                ['%d days (default) → Pass' % days, '7 days → Fail', '%d days → Pass' % (days * 2)],
                'Longer retention costs database space (the Recoverable Items folder counts against its own quota). Litigation hold or single item recovery (EDCA-RES-011) keep items regardless.'))

for id, prop, want, title, desc, cons in [
    ('EDCA-RES-006', 'RetainDeletedItemsUntilBackup', True, 'Deleted items are kept until the database has been backed up',
     'With this setting, items past their retention period are purged only after a backup has captured them, so nothing is lost between the last backup and the purge.',
     'Databases protected by Exchange Native Data Protection (no backups, lagged copies) never see a backup; there the setting keeps items forever and this control should be disabled.'),
    ('EDCA-RES-007', 'CircularLoggingEnabled', False, 'Circular logging is off',
     'With circular logging, transaction logs are overwritten once written to the database, so a database can be restored only to the last full backup, not to the moment of failure.',
     'With three or more database copies and no backups (Exchange Native Data Protection), Microsoft recommends continuous replication circular logging; such databases fail here by design and the control should be disabled for them.'),
    ('EDCA-RES-009', 'MountAtStartup', True, 'Mailbox databases mount when the Information Store starts',
     'A database that does not mount at start-up stays offline after every restart of the server until an administrator mounts it.',
     'Databases deliberately kept dismounted (during a restore) are reported as failures while that lasts.'),
]:
    g.append(md(id, [prop], title, desc, 'Set %s to %s on every mailbox database.' % (prop, str(want).lower()),
                MD_SCRIPT.format(p=prop, v='$' + str(want).lower()),
                [('Pass', '%s is %s' % (prop, str(want).lower())), ('Fail', '%s is %s' % (prop, str(not want).lower()))],
                'A L5826/6159/6321: per database, Pass when %s is %s.' % (prop, str(want).lower()), None,
                ['%s → Pass' % str(want).lower(), '%s → Fail' % str(not want).lower(), 'recovery database → Skipped'], cons))

g.append(md('EDCA-RES-010', ['DatabaseCopies'], 'Each mailbox database has at least two copies',
    'A database with a single copy is lost, for every mailbox on it, when its disk or server fails; a database availability group with two or more copies keeps it available.',
    'Add a database copy on another member of the database availability group (Add-MailboxDatabaseCopy).',
    "# Copies of the mailbox databases on this server\n$copies = @{ n = 'Copies'; e = { $_.DatabaseCopies.Count } }\nGet-MailboxDatabase -Server $env:COMPUTERNAME | Format-Table 'Name', $copies -AutoSize\n# Add-MailboxDatabaseCopy -Identity '<database>' -MailboxServer '<other server>'",
    [('Fail', 'count(DatabaseCopies) < 2'), ('Pass', 'otherwise')],
    'A L6454: per database, DatabaseCopiesCount ≥ 2.', 'The stage returns the copies as names; the engine counts them.',
    ['2 copies → Pass', '1 copy → Fail', '4 copies → Pass'],
    'A standalone server (no DAG) fails for every database; that is the point of the control. Two copies in one datacentre protect against disk and server failure, not against site loss (EDCA-RES-012).'))

VOL_DERIVE = {'paths': 'EdbFilePath and LogFolderPath', 'vol(p)': 'the volume whose name is the longest case-insensitive prefix of p'}

g.append(md('EDCA-RES-008', ['EdbFilePath', 'LogFolderPath'], 'Mailbox databases are not on the Windows or Exchange program volume',
    'A database on the system volume competes with Windows and the page file for I/O and can fill the volume Windows needs to run; keeping databases on their own volumes is part of Microsoft\'s storage guidance.',
    'Move the database and its logs to a dedicated volume (Move-DatabasePath, which dismounts the database).',
    "# Database and log paths, and the system drive\nGet-MailboxDatabase -Server $env:COMPUTERNAME | Format-Table Name, EdbFilePath, LogFolderPath -AutoSize\n$env:SystemDrive\n# Move-DatabasePath -Identity '<database>' -EdbFilePath 'E:\\DB\\<database>.edb' -LogFolderPath 'F:\\Logs\\<database>'",
    [('Unknown', 'vol(EdbFilePath) not found'),
     ('Fail', 'vol(EdbFilePath) is the system volume or the volume of the Exchange install path'),
     ('Pass', 'otherwise')],
    'A L6206 **(title)**: EdbFilePath on a volume other than the system and install volumes.',
    'Mount points are honoured (longest prefix), where a drive-letter comparison would put C:\\ExchangeVolumes\\DB01 on C:.',
    ['D:\\DB\\DB01.edb → Pass', 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Mailbox\\Mailbox Database 1\\…edb (setup default) → Fail', 'C:\\ExchangeVolumes\\DB01\\DB01.edb on a mount point → Pass', 'path on no known volume → Unknown'],
    'Moving a database dismounts it; with database copies, the path must be the same on every copy.',
    extra_facts=[VOL, {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'values': ['MsiInstallPath']}], derive=VOL_DERIVE))

for id, title, desc, fix, rules, upstream, correction, cases, cons, facts in [
    ('EDCA-SEC-008', 'Database and log volumes use a 64 KB allocation unit',
     'Microsoft recommends a 64 KB allocation unit size for volumes that hold Exchange databases and logs: it matches the database page I/O pattern and reduces fragmentation.',
     'Format the database and log volumes with a 64 KB allocation unit (Format-Volume -AllocationUnitSize 65536) and move the databases back.',
     [('Unknown', 'vol(p) not found or its blockSize unknown, for a p in paths'), ('Fail', 'any vol(p).blockSize != 65536'), ('Pass', 'otherwise')],
     'A L3658: every DB volume BlockSize == 65536.', 'Log volumes are judged too, as the title says; mount points are honoured.',
     ['both on a 64 KB ReFS volume → Pass', 'database on C: with 4 KB → Fail', 'no volume facts → Unknown'],
     'Reformatting needs the databases moved off the volume first. The allocation unit can be read by a non-administrator from Win32_Volume (inferred).', VOL),
    ('EDCA-SEC-009', 'Database and log volumes are NTFS or ReFS',
     'Exchange supports only NTFS and ReFS for databases and logs; another file system risks corruption and is unsupported.',
     'Move databases and logs to an NTFS or ReFS volume.',
     [('Unknown', 'vol(p) not found, for a p in paths'), ('Fail', 'any vol(p).fileSystem not in {NTFS, ReFS} (ignoring case)'), ('Pass', 'otherwise')],
     'A L3597: every DB drive\'s FileSystem ∈ {NTFS, ReFS}; unmapped → Unknown.', 'Mount points honoured.',
     ['NTFS → Pass', 'ReFS → Pass', 'FAT32 → Fail', 'unmapped → Unknown'],
     'In practice only removable or odd volumes fail; the control mostly guards against a mis-mapped mount point.', VOL),
    ('EDCA-SEC-040', 'Database and log volumes are ReFS',
     'Microsoft recommends ReFS with integrity streams off for Exchange 2016 and later database and log volumes: it detects metadata corruption and repairs it online.',
     'Format new database and log volumes with ReFS (integrity streams off) and move the databases to them.',
     [('Unknown', 'vol(p) not found, for a p in paths'), ('Fail', 'any vol(p).fileSystem is not ReFS (ignoring case)'), ('Pass', 'otherwise')],
     'A L6695: DB volumes are ReFS. verify=false.', 'Log volumes judged too; mount points honoured.',
     ['ReFS both → Pass', 'NTFS database volume → Fail', 'unmapped → Unknown'],
     'ReFS cannot hold the Windows volume or the Exchange binaries; moving a database needs a dismount. Integrity streams are not checked (the volume facts do not carry them).', VOL),
    ('EDCA-DATA-017', 'Database and log volumes are protected by BitLocker',
     'Databases and logs hold every mailbox in clear form. BitLocker keeps them unreadable on a disk that leaves the datacentre (replacement, theft, decommissioning).',
     'Enable BitLocker on the volumes that hold databases and logs (Enable-BitLocker), with a recovery key stored away from the server.',
     [('Unknown', 'vol(p) not found, or its protection status unknown (denied), for a p in paths'), ('Fail', 'any vol(p) has ProtectionStatus other than 1 (on)'), ('Pass', 'otherwise')],
     'A L6582: every DB/log path maps to a volume with BitLockerProtected; an unmapped path → Unknown. verify=false.',
     'Reads ProtectionStatus per volume from the BitLocker CIM class joined on DeviceID; that class needs administrator rights, so a non-admin scan gives Unknown.',
     ['both volumes protected → Pass', 'log volume off → Fail', 'class denied → Unknown'],
     'Encryption protects data at rest only; it costs a little CPU. Virtual machines whose storage is encrypted by the platform may satisfy the intent without BitLocker; record such an exception.',
     {'kind': 'cim', 'class': 'root\\CIMV2\\Security\\MicrosoftVolumeEncryption:Win32_EncryptableVolume', 'properties': ['DeviceID', 'DriveLetter', 'ProtectionStatus']}),
]:
    ef = [VOL] if facts is VOL else [VOL, facts]
    g.append(md(id, ['EdbFilePath', 'LogFolderPath'], title, desc, fix,
                "# Database and log paths, and the volumes\nGet-MailboxDatabase -Server $env:COMPUTERNAME | Format-Table Name, EdbFilePath, LogFolderPath -AutoSize\nGet-CimInstance Win32_Volume -Filter 'DriveType = 3' | Format-Table Name, FileSystem, BlockSize -AutoSize",
                rules, upstream, correction, cases, cons, extra_facts=ef, derive=VOL_DERIVE))

# ---------------------------------------------------------------------------------------------------------------
# Virtual directories (per server) with organisation auth settings
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Virtual directories: Get-*VirtualDirectory, Get-OutlookAnywhere (with Get-OrganizationConfig, Get-AuthServer)',
'''All virtual-directory cmdlets run with `-Server $env:COMPUTERNAME -ADPropertiesOnly` (fast, AD only). A Mailbox
server has each virtual directory twice: on `Default Web Site` (front end) and `Exchange Back End`; the `Identity`
names the site, e.g. `MBX01\\owa (Default Web Site)`. Rules that say "every" cover both unless stated.''', g))

OWA = 'Get-OwaVirtualDirectory'

g.append(dict(
    id='EDCA-DATA-014', title='Outlook on the web offers S/MIME',
    desc='S/MIME lets users sign and encrypt messages end to end with their certificates. When Outlook on the web does not offer it, users who need to read or send protected mail fall back to clients or channels that the organisation controls less well.',
    fix='Set SMimeEnabled to true on the front-end OWA virtual directory of every Mailbox server, and configure S/MIME (Set-SmimeConfig) with the organisation\'s trusted roots.',
    script="# S/MIME in Outlook on the web\nGet-OwaVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, SMimeEnabled -AutoSize\n# Set-OwaVirtualDirectory -Identity \"$env:COMPUTERNAME\\owa (Default Web Site)\" -SMimeEnabled $true",
    cons='Without certificates issued to users (a PKI) S/MIME gives nothing; organisations that do not use S/MIME should disable this control. Whether SMimeEnabled is still honoured on the virtual directory in Exchange 2019 and SE, or only through Set-SmimeConfig, is to be verified (inferred).',
    facts=[f(OWA, SRV, 'Identity', 'SMimeEnabled')],
    rules=[('Unknown', 'no rows'), ('Fail', 'the front-end row (Default Web Site) has SMimeEnabled false'), ('Pass', 'otherwise')],
    upstream='A L6005 and C L4127: Pass when **any** OWA virtual directory has SMimeEnabled true.',
    correction='The front-end directory, the one users reach, must have it; a back-end directory alone does not count.',
    cases=['front end true → Pass', 'front end false, back end true → Fail', 'no rows → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-012', title='Exchange virtual directories keep Windows integrated authentication',
    desc='Outlook, Exchange Web Services clients and the servers themselves authenticate with Kerberos or NTLM. A virtual directory without Windows integrated authentication breaks those clients or pushes them to Basic authentication.',
    fix='Add Ntlm and Negotiate (WindowsIntegrated) to the authentication methods of the MAPI, OWA, ECP, EWS and Autodiscover virtual directories.',
    script="# Authentication methods of this server's virtual directories\nGet-MapiVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, IISAuthenticationMethods\nGet-WebServicesVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, InternalAuthenticationMethods\n# Set-WebServicesVirtualDirectory -Identity \"$env:COMPUTERNAME\\EWS (Default Web Site)\" -WindowsAuthentication $true",
    cons='OWA and ECP normally use forms-based authentication for users, with Windows authentication present for server-to-server use; the control only checks that it is present. Upstream never fails this control; the agent keeps that (Unknown) because Microsoft documents some changes as supported (for example OWA with AD FS claims).',
    facts=[f('Get-MapiVirtualDirectory', SRV, 'Identity', 'IISAuthenticationMethods'),
           f(OWA, SRV, 'Identity', 'InternalAuthenticationMethods'),
           f('Get-EcpVirtualDirectory', SRV, 'Identity', 'InternalAuthenticationMethods'),
           f('Get-WebServicesVirtualDirectory', SRV, 'Identity', 'InternalAuthenticationMethods'),
           f('Get-AutodiscoverVirtualDirectory', SRV, 'Identity', 'InternalAuthenticationMethods')],
    derive={'methods': 'IISAuthenticationMethods for MAPI, InternalAuthenticationMethods for the others'},
    rules=[('Unknown', 'no rows in any of the five'),
           ('Unknown', 'any row has none of Ntlm, Negotiate, WindowsIntegrated in methods (ignoring case)', 'never Fail, as upstream'),
           ('Pass', 'otherwise')],
    upstream='A L2881: MAPI IISAuthenticationMethods must contain Ntlm or Negotiate; the others InternalAuthenticationMethods Ntlm or WindowsIntegrated; missing → **Unknown**, never Fail.',
    correction='Negotiate also counts for the non-MAPI directories (it is Windows integrated authentication under another name).',
    cases=['defaults → Pass', 'EWS with Basic only → Unknown', 'all cmdlets denied → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-013', title='Forms-based authentication on Outlook on the web follows the STIG of the product line',
    desc='The DISA STIG for Exchange 2016 asks that Outlook on the web not use forms-based authentication (smart-card or Windows sign-in instead), while the STIG for Exchange 2019 asks that it does. The control checks the setting the STIG of the installed product line expects.',
    fix='Exchange 2016: set FormsAuthentication false (with WindowsAuthentication true) on the OWA and ECP virtual directories. Exchange 2019 and SE: set FormsAuthentication true.',
    script="# Forms-based authentication of Outlook on the web\nGet-OwaVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, FormsAuthentication, WindowsAuthentication -AutoSize\n# Set-OwaVirtualDirectory -Identity \"$env:COMPUTERNAME\\owa (Default Web Site)\" -FormsAuthentication $true",
    cons='The two STIGs disagree; this control follows them literally, as upstream. Outside a DISA context, forms-based authentication (the Exchange default) is normal. Only the front-end directory is judged, because the back-end directory does not use forms-based authentication by design. The product line comes from the registry (15.1 = 2016).',
    facts=[f(OWA, SRV, 'Identity', 'FormsAuthentication'), {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'values': ['MsiProductMinor']}],
    derive={'fe': 'the OWA row on Default Web Site', 'want': 'false on line 15.1, true on 15.2'},
    rules=[('Unknown', 'no fe row, or product line unknown'), ('Pass', 'fe.FormsAuthentication == want'), ('Fail', 'otherwise')],
    upstream='A L6121: every OWA directory must have FormsAuthentication false on Exchange2016 and true otherwise.',
    correction='Only the front-end directory; upstream would fail every 2019 server on the back-end directory, which has forms authentication off by design (inferred; verify on a lab server).',
    cases=['2019, fe true → Pass', '2019, fe false → Fail', '2016, fe true → Fail', '2016, fe false → Pass', 'no OWA rows → Unknown'],
))

EP_VDIRS = ['Get-MapiVirtualDirectory', OWA, 'Get-EcpVirtualDirectory', 'Get-WebServicesVirtualDirectory', 'Get-ActiveSyncVirtualDirectory', 'Get-AutodiscoverVirtualDirectory']
g.append(dict(
    id='EDCA-SEC-014', title='Extended Protection is on for the Exchange virtual directories',
    desc='Extended Protection binds Windows authentication to the TLS channel, so that credentials relayed by a man in the middle are refused. It closes the NTLM relay attacks against Exchange fixed in 2022 and is on by default from Exchange 2019 CU14; it requires that TLS is not offloaded in front of Exchange.',
    fix='Enable Extended Protection with Microsoft\'s ExchangeExtendedProtectionManagement.ps1 script, which sets the IIS configuration of every virtual directory, after checking its prerequisites (TLS versions, no SSL offloading).',
    automatable=False,
    script="# IIS Extended Protection settings of the Exchange virtual directories\nGet-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Location 'Default Web Site/EWS' -Filter 'system.webServer/security/authentication/windowsAuthentication' -Name extendedProtection.tokenChecking\nGet-OutlookAnywhere -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, SSLOffloading\n# Enable: .\\ExchangeExtendedProtectionManagement.ps1 (CSS-Exchange)",
    cons='Extended Protection breaks clients behind TLS-terminating load balancers or proxies, and Outlook Anywhere with SSL offloading; hybrid and public-folder scenarios have documented exceptions. The agent reads IIS configuration (applicationHost.config, administrator-only), because Microsoft\'s script sets Extended Protection in IIS and not in the Active Directory property the Get-*VirtualDirectory cmdlets show (inferred from the script and HealthChecker, which reads IIS; verify on a lab server).',
    facts=[{'kind': 'xml', 'root': 'InetsrvConfig', 'file': 'applicationHost.config', 'path': "configuration/location[@path=<site>/<vdir>]/system.webServer/security/authentication/windowsAuthentication/extendedProtection", 'attributes': ['tokenChecking'], 'sites': ['Default Web Site', 'Exchange Back End'], 'vdirs': ['API', 'Autodiscover', 'ecp', 'EWS', 'mapi', 'Microsoft-Server-ActiveSync', 'OAB', 'owa', 'PowerShell', 'Rpc']},
           f('Get-OutlookAnywhere', SRV, 'Identity', 'SSLOffloading'),
           f('Get-WebServicesVirtualDirectory', SRV, 'Identity', 'ExtendedProtectionTokenChecking')],
    rules=[('Fail', 'any Outlook Anywhere row has SSLOffloading true', 'incompatible with Extended Protection'),
           ('Fail', 'any listed location has tokenChecking None or absent'),
           ('Unknown', 'applicationHost.config denied or absent', 'evidence also shows the AD value of EWS for orientation'),
           ('Pass', 'otherwise (Allow or Require everywhere)')],
    upstream='A L2849: every collected virtual directory\'s AD property ExtendedProtectionTokenChecking ∈ {Allow, Require}, and no Outlook Anywhere with SSLOffloading; otherwise Fail; no data → Unknown.',
    correction='IIS is the source of truth for Extended Protection; the AD property can say None on a server where the script turned it on (inferred). The exact per-directory expectations of Microsoft (Require almost everywhere, Allow on a few front-end directories) are a refinement left to the implementer: HealthChecker\'s table is the reference.',
    cases=['all Require, no offloading → Pass', 'front-end EWS None → Fail', 'SSLOffloading true → Fail', 'applicationHost.config denied → Unknown', 'Outlook Anywhere cmdlet denied → Unknown'],
))

g.append(dict(
    id='EDCA-SEC-020', title='Outlook on the web serves attachments from a separate download domain',
    desc='Download domains make Outlook on the web serve attachments and inline images from a host name other than its own, so that script in a malicious attachment cannot reach the user\'s session cookies (the fix for CVE-2021-1730). With hybrid modern authentication, an additional setting override is needed for them to work.',
    fix='Set ExternalDownloadHostName and InternalDownloadHostName on the OWA virtual directories, add the host names to the certificate and DNS, and run Set-OrganizationConfig -EnableDownloadDomains $true; with hybrid modern authentication also create the OAuthIdentityCacheFixForDownloadDomains setting override.',
    automatable=False,
    script="# Download domains\nGet-OrganizationConfig | Select-Object EnableDownloadDomains\nGet-OwaVirtualDirectory -Server $env:COMPUTERNAME -ADPropertiesOnly | Format-Table Identity, InternalUrl, ExternalUrl, InternalDownloadHostName, ExternalDownloadHostName\n# Set-OwaVirtualDirectory -Identity \"$env:COMPUTERNAME\\owa (Default Web Site)\" -ExternalDownloadHostName download.contoso.com -InternalDownloadHostName download.contoso.com\n# Set-OrganizationConfig -EnableDownloadDomains $true",
    cons='The download host name needs a DNS record and must be on the certificate; it must not be the host name of Outlook on the web itself. The setting override for hybrid modern authentication is needed only when EvoSTS is the default authorization endpoint.',
    facts=[f('Get-OrganizationConfig', ORG, 'EnableDownloadDomains'),
           f(OWA, SRV, 'Identity', 'InternalUrl', 'ExternalUrl', 'InternalDownloadHostName', 'ExternalDownloadHostName'),
           f('Get-AuthServer', ORG, 'Name', 'Type', 'Enabled', 'IsDefaultAuthorizationEndpoint'),
           f('Get-SettingOverride', ORG, 'Name', 'ComponentName', 'SectionName', 'Parameters')],
    derive={'fe': 'the OWA row on Default Web Site', 'hma': 'an AuthServer row with Type AzureAD, Enabled and IsDefaultAuthorizationEndpoint true',
            'override': 'a SettingOverride with ComponentName OAuth and SectionName OAuthIdentityCacheFixForDownloadDomains whose Parameters contain Enabled=true'},
    rules=[('Fail', 'EnableDownloadDomains is false'),
           ('Fail', 'fe.ExternalDownloadHostName and fe.InternalDownloadHostName are both empty'),
           ('Fail', 'a download host name equals the host of fe.InternalUrl or fe.ExternalUrl (ignoring case)'),
           ('Fail', 'hma and no override'),
           ('Pass', 'otherwise')],
    upstream='A L3841 with C L4120–4126: "configured" means an OWA directory has a non-empty `DownloadDomains` property; with HMA the override must exist.',
    correction='`DownloadDomains` is not a property of the OWA virtual directory (inferred: the properties are ExternalDownloadHostName and InternalDownloadHostName), so upstream always reports Fail. The agent reads the real properties and the organisation switch, and rejects a download host equal to the OWA host.',
    cases=['enabled, download.contoso.com, no HMA → Pass', 'enabled, host set, HMA without override → Fail', 'HMA with override → Pass', 'org switch false → Fail', 'download host = mail.contoso.com (OWA host) → Fail', 'SettingOverride denied, HMA on → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-004', title='Modern authentication is configured for Outlook clients',
    desc='Modern (OAuth) authentication lets Outlook and mobile clients sign in through Microsoft Entra ID (hybrid modern authentication) or AD FS, with multi-factor authentication and conditional access, instead of sending passwords to Exchange. It needs the organisation switch, an authorization server as default endpoint, and OAuth on the client virtual directories.',
    fix='Follow Microsoft\'s hybrid modern authentication (or AD FS) guide: register the Exchange URLs, create the EvoSTS authorization server as default endpoint, enable OAuth on the MAPI, EWS and Autodiscover virtual directories, then set OAuth2ClientProfileEnabled.',
    automatable=False,
    script="# Modern authentication prerequisites\nGet-OrganizationConfig | Select-Object OAuth2ClientProfileEnabled\nGet-AuthServer | Format-Table Name, Type, Enabled, IsDefaultAuthorizationEndpoint\nGet-MapiVirtualDirectory -ADPropertiesOnly | Format-Table Identity, IISAuthenticationMethods\nGet-WebServicesVirtualDirectory -ADPropertiesOnly | Format-Table Identity, OAuthAuthentication\nGet-AutodiscoverVirtualDirectory -ADPropertiesOnly | Format-Table Identity, OAuthAuthentication",
    cons='Enabling modern authentication changes how every Outlook client signs in; clients that cannot do OAuth keep using Basic or NTLM until blocked (EDCA-IAC-009). The virtual directories of all servers are read from the organisation-facts server (without -Server), so servers outside the scan are included.',
    facts=[f('Get-OrganizationConfig', ORG, 'OAuth2ClientProfileEnabled'),
           f('Get-AuthServer', ORG, 'Name', 'Type', 'Enabled', 'IsDefaultAuthorizationEndpoint'),
           f('Get-MapiVirtualDirectory', 'Organization (all servers: no -Server)', 'Identity', 'IISAuthenticationMethods'),
           f('Get-WebServicesVirtualDirectory', 'Organization (all servers: no -Server)', 'Identity', 'OAuthAuthentication'),
           f('Get-AutodiscoverVirtualDirectory', 'Organization (all servers: no -Server)', 'Identity', 'OAuthAuthentication')],
    derive={'endpoint': 'an AuthServer row with Enabled and IsDefaultAuthorizationEndpoint true and Type AzureAD or ADFS'},
    rules=[('Fail', 'OAuth2ClientProfileEnabled is false'),
           ('Fail', 'no endpoint'),
           ('Fail', 'a MAPI row lacks OAuth in IISAuthenticationMethods, or an EWS or Autodiscover row has OAuthAuthentication false', 'evidence: the directories'),
           ('Pass', 'otherwise')],
    upstream='A L283: Fail when OAuth2ClientProfileEnabled is false, when the hybrid application detection finds no modern auth type, when Outlook Anywhere has SSL offloading, or when target virtual directories have OAuthAuthentication false.',
    correction='The SSL-offloading condition belongs to Extended Protection (EDCA-SEC-014) and is left there. The authorization endpoint is read directly from Get-AuthServer instead of upstream\'s derived "ModernAuthType".',
    cases=['HMA complete → Pass', 'switch off → Fail', 'switch on, no default endpoint → Fail', 'one server\'s MAPI without OAuth → Fail', 'AuthServer denied → Unknown'],
))

# ---------------------------------------------------------------------------------------------------------------
# Edge Transport only (facts from the Edge server's AD LDS)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Edge Transport only', '''Roles `Edge`: every other server is Skipped. The cmdlets run on the Edge server itself
and read its AD LDS instance (no domain credential involved; whether a key-authenticated SSH logon can bind to
AD LDS is **unverified**, `cmdlets.md` §1). Receive-connector classes on Edge (decisions, following upstream):
- **internet-facing** = enabled, a binding on port 25 of all addresses (`0.0.0.0:25` or `[::]:25`);
- **internal** = enabled, `ExchangeServer` in AuthMechanism (the connector the Mailbox servers deliver to).
Send connectors on a subscribed Edge are the EdgeSync ones, replicated from the organisation: **internet** =
address space `*`; **internal** = the others (to the Active Directory site). No rows in a class → Unknown, as
upstream, except where stated.''', g))

SF = 'Get-SenderFilterConfig'


def edge(id, title, desc, fix, script, cons, facts, rules, upstream, correction, cases, derive=None):
    return dict(id=id, title=title, desc=desc, fix=fix, script=script, cons=cons, facts=facts, rules=rules,
                upstream=upstream, correction=correction, cases=cases, derive=derive, rolesNote='Edge only')


g.append(edge('EDCA-TLS-030', 'The Edge server has an Edge subscription',
    'The Edge subscription replicates recipients, accepted domains and connectors from the organisation to the Edge server and sets up the authenticated, encrypted connection to the Mailbox servers. Without it the Edge server cannot validate recipients or deliver inside securely.',
    'Create an Edge subscription file on the Edge server (New-EdgeSubscription) and import it on a Mailbox server of the site; renew it before the bootstrap account expires.',
    "# Edge subscriptions known to this Edge server\nGet-EdgeSubscription | Format-Table Name, Site, Domain -AutoSize\n# On the Mailbox side: Test-EdgeSynchronization",
    'A subscription can exist and still not synchronise (expired credentials, blocked port 50636); Test-EdgeSynchronization on a Mailbox server shows that, and it is not on the allow-list. Upstream\'s IsValid check reads a property the cmdlet does not return (inferred), so only existence is judged.',
    [f('Get-EdgeSubscription', EDGE, 'Name', 'Site', 'Domain')],
    [('Fail', 'no rows'), ('Pass', 'otherwise', 'evidence: the sites')],
    'A L7297: Fail with no subscription; Fail when a subscription has IsValid false; otherwise Pass.', 'Existence only (see considerations).',
    ['one subscription → Pass', 'none → Fail', 'cmdlet failed (AD LDS unreachable) → Unknown']))

g.append(edge('EDCA-TLS-031', 'The Edge anti-spam filters and connection filtering are on',
    'On an Edge server the anti-spam agents are the first defence against unwanted mail: connection filtering (IP block lists), recipient filtering, sender filtering and content filtering. Each must be enabled for its settings to apply.',
    'Enable the content, recipient and sender filters and the Connection Filtering Agent.',
    "# Anti-spam filters on this Edge server\nGet-ContentFilterConfig | Select-Object Enabled\nGet-RecipientFilterConfig | Select-Object Enabled\nGet-SenderFilterConfig | Select-Object Enabled\nGet-TransportAgent 'Connection Filtering Agent' | Select-Object Identity, Enabled\n# Set-ContentFilterConfig -Enabled $true; Enable-TransportAgent 'Connection Filtering Agent'",
    'Organisations that filter mail in a gateway or service in front of Exchange may disable these on purpose; then the control should be disabled, not the gateway\'s filtering weakened.',
    [f('Get-ContentFilterConfig', EDGE, 'Enabled'), f('Get-RecipientFilterConfig', EDGE, 'Enabled'), f(SF, EDGE, 'Enabled'), f('Get-TransportAgent', EDGE, 'Identity', 'Enabled')],
    [('Fail', 'any of the three filter configs has Enabled false, or the Connection Filtering Agent row has Enabled false or is missing'), ('Pass', 'otherwise')],
    'TLS-031: Fail when any is Enabled false; a missing one → Unknown.', 'A missing Connection Filtering Agent (uninstalled) is a Fail: the protection is absent.',
    ['all on → Pass', 'content filter off → Fail', 'agent missing → Fail', 'one config denied → Unknown']))

for id, cmd, prop, title, desc, cons in [
    ('EDCA-TLS-032', 'Get-RecipientFilterConfig', 'RecipientValidationEnabled', 'The Edge server rejects mail for recipients that do not exist',
     'Recipient validation makes the Edge server refuse, during the SMTP conversation, mail for addresses that are not in the organisation. It stops directory harvesting and keeps spam for invented addresses out of the queues.',
     'Needs a working Edge subscription (recipients replicated). Refusing unknown recipients tells a sender which addresses exist; tarpitting (EDCA-TLS-048) slows harvesting down.'),
    ('EDCA-TLS-033', SF, 'BlankSenderBlockingEnabled', 'The Edge server rejects mail with an empty sender',
     'Messages whose MAIL FROM and From header are empty are almost always spam or probes. Blank-sender blocking rejects them at the edge.',
     'Non-delivery reports use an empty MAIL FROM but carry a From header, so they are not affected (inferred from the cmdlet documentation).'),
    ('EDCA-TLS-045', 'Get-SenderReputationConfig', 'Enabled', 'Sender reputation filtering is on',
     'Sender reputation scores sending hosts by their behaviour (open proxy tests, spam ratio) and blocks those that behave like spam sources.',
     'Sender reputation needs outbound access to test for open proxies; where it is blocked the filter is less effective but harmless.'),
    ('EDCA-TLS-046', 'Get-ContentFilterConfig', 'Enabled', 'Content filtering is on',
     'The content filter scores each message\'s likelihood of being spam (SCL) and rejects, deletes or quarantines according to thresholds.',
     'The thresholds (SCLReject, SCLDelete, SCLQuarantine) decide what happens; the control only checks that the filter runs.'),
]:
    g.append(edge(id, title, desc, 'Set %s to true with Set-%s.' % (prop, cmd[4:]),
                  "# %s on this Edge server\n%s | Select-Object %s\n# Set-%s -%s $true" % (prop, cmd, prop, cmd[4:], prop),
                  cons, [f(cmd, EDGE, prop)],
                  [('Pass', '%s is true' % prop), ('Fail', '%s is false' % prop)],
                  '%s: Pass when %s is true.' % (id[5:], prop), None, ['true → Pass', 'false → Fail', 'denied → Unknown']))

g.append(edge('EDCA-TLS-044', 'The Edge sender filter is on and blocks listed domains',
    'The sender filter rejects mail from senders and domains the organisation has decided never to accept. It is only useful when it is on and has a list.',
    'Enable the sender filter and list the domains to block (BlockedDomains, BlockedDomainsAndSubdomains).',
    "# Sender filter\nGet-SenderFilterConfig | Format-List Enabled, BlockedDomains, BlockedDomainsAndSubdomains, BlockedSenders\n# Set-SenderFilterConfig -Enabled $true -BlockedDomainsAndSubdomains @{ Add = 'spam.example' }",
    'An empty list is not a misconfiguration when the organisation has nothing to block; then this control gives Unknown, never Fail. The title of upstream speaks of "unaccepted domains", which the sender filter does not do; the control checks what the filter can do.',
    [f(SF, EDGE, 'Enabled', 'BlockedDomains', 'BlockedDomainsAndSubdomains')],
    [('Fail', 'Enabled is false'), ('Unknown', 'BlockedDomains and BlockedDomainsAndSubdomains are both empty', 'nothing to block'), ('Pass', 'otherwise')],
    'A L7790: Fail when disabled; Pass when enabled with BlockedDomains; enabled with an empty list → **Fail**.',
    'An empty list is Unknown, and BlockedDomainsAndSubdomains counts too.',
    ['on with 2 domains → Pass', 'on with subdomain list only → Pass', 'on, empty → Unknown', 'off → Fail']))

g.append(edge('EDCA-TLS-047', 'Sender ID rejects mail that spoofs a domain',
    'Sender ID checks the sending host against the sender domain\'s SPF record. With SpoofedDomainAction Reject, mail whose SPF check fails is refused instead of only stamped.',
    'Set SpoofedDomainAction to Reject with Set-SenderIdConfig (and keep the agent enabled).',
    "# Sender ID\nGet-SenderIdConfig | Select-Object Enabled, SpoofedDomainAction, TempErrorAction\n# Set-SenderIdConfig -SpoofedDomainAction Reject",
    'Domains with a wrong SPF record lose mail; DMARC in a gateway or Exchange Online is the modern replacement for Sender ID.',
    [f('Get-SenderIdConfig', EDGE, 'Enabled', 'SpoofedDomainAction')],
    [('Fail', 'Enabled is false'), ('Fail', 'SpoofedDomainAction is not Reject'), ('Pass', 'otherwise')],
    'A L7853 **(title)**: Pass when SpoofedDomainAction is Reject.', 'A disabled Sender ID agent fails too (its action never applies).',
    ['Reject → Pass', 'StampStatus (default) → Fail', 'disabled with Reject → Fail']))

g.append(edge('EDCA-TLS-048', 'Edge receive connectors delay responses to invalid recipients by at least 5 seconds',
    'Tarpitting delays the SMTP reply to a rejected recipient, which makes harvesting valid addresses and dictionary attacks slow and costly. Exchange uses 5 seconds by default.',
    'Set TarpitInterval to 5 seconds or more on every receive connector of the Edge server.',
    "# Tarpit interval of the Edge receive connectors\nGet-ReceiveConnector | Format-Table Identity, TarpitInterval -AutoSize\n# Set-ReceiveConnector -Identity '<connector>' -TarpitInterval 00:00:05",
    'Long intervals hold connections open; keep it within seconds.',
    [f(RC, EDGE, 'Identity', 'Enabled', 'TarpitInterval')],
    [('Unknown', 'no enabled rows'), ('Fail', 'any enabled row has TarpitInterval < 5 s'), ('Pass', 'otherwise')],
    'A L7853+ : every connector TarpitInterval ≥ 5 s; unreadable values are ignored (`catch { $false }`).', 'Only enabled connectors; an unreadable value is Unknown, not ignored.',
    ['5 s → Pass', '0 → Fail']))

EDGE_RC = [f(RC, EDGE, 'Identity', 'Enabled', 'Bindings', 'AuthMechanism', 'PermissionGroups', 'RequireTLS', 'DomainSecureEnabled')]
INET = {'internet': 'enabled rows with a Binding 0.0.0.0:25 or [::]:25'}
INTERNAL = {'internal': 'enabled rows with ExchangeServer in AuthMechanism'}

g.append(edge('EDCA-TLS-037', 'Edge receive connectors support domain security',
    'Domain security (mutual TLS with named partner domains) only works on a receive connector where DomainSecureEnabled is true. It lets the organisation receive authenticated, encrypted mail from its partners.',
    'Set DomainSecureEnabled to true on the internet-facing receive connector, and list partner domains in TLSReceiveDomainSecureList.',
    "# Domain security on the Edge receive connectors\nGet-ReceiveConnector | Format-Table Identity, Bindings, DomainSecureEnabled, AuthMechanism -AutoSize\n# Set-ReceiveConnector -Identity '<connector>' -DomainSecureEnabled $true",
    'Domain security needs Tls in AuthMechanism and the partner domains in TLSReceiveDomainSecureList; the setting alone protects nothing.',
    EDGE_RC, [('Unknown', 'internet is empty'), ('Fail', 'any internet row has DomainSecureEnabled false'), ('Pass', 'otherwise')],
    'TLS-037: receive connectors have DomainSecureEnabled.', 'Judged on the internet-facing connectors, where partner mail arrives; internal connectors do not take partner mail.',
    ['internet connector true → Pass', 'false → Fail'], derive=INET))

g.append(edge('EDCA-TLS-038', 'Internet-facing Edge receive connectors offer TLS',
    'An internet-facing connector without Tls in its authentication mechanisms never offers STARTTLS, so every message from the internet arrives in clear text.',
    'Add Tls to the AuthMechanism of the internet-facing receive connector.',
    "# Authentication mechanisms of the internet-facing connector\nGet-ReceiveConnector | Format-Table Identity, Bindings, AuthMechanism -AutoSize\n# Set-ReceiveConnector -Identity '<connector>' -AuthMechanism Tls",
    'The title speaks of TLS before Basic authentication: Exchange offers Basic only after TLS when BasicAuthRequireTLS is set; that flag is part of AuthMechanism and is reported in the evidence.',
    EDGE_RC, [('Unknown', 'internet is empty'), ('Fail', 'any internet row lacks Tls in AuthMechanism'), ('Fail', 'any internet row has BasicAuth without BasicAuthRequireTLS'), ('Pass', 'otherwise')],
    'A L7550: internet-facing = Bindings 0.0.0.0:25 or [::]:25; Fail when any lacks Tls.', 'Adds the BasicAuth-without-BasicAuthRequireTLS case the title names.',
    ['Tls → Pass', 'None → Fail', 'Tls, BasicAuth without BasicAuthRequireTLS → Fail'], derive=INET))

g.append(edge('EDCA-TLS-039', 'Internal Edge receive connectors require TLS',
    'The connector the Mailbox servers deliver to carries all outgoing mail of the organisation. Requiring TLS there ensures the traffic between the internal network and the perimeter is always encrypted.',
    'Set RequireTLS to true on the receive connector that Mailbox servers use (ExchangeServer authentication).',
    "# Internal receive connectors\nGet-ReceiveConnector | Where-Object { $_.AuthMechanism -match 'ExchangeServer' } | Format-Table Identity, RequireTLS\n# Set-ReceiveConnector -Identity '<connector>' -RequireTLS $true",
    'EdgeSync already uses TLS with Exchange server authentication; RequireTLS makes it mandatory.',
    EDGE_RC, [('Unknown', 'internal is empty'), ('Fail', 'any internal row has RequireTLS false'), ('Pass', 'otherwise')],
    'A L7585: internal = ExchangeServer in AuthMechanism; Fail when any has RequireTLS false.', None,
    ['true → Pass', 'false → Fail', 'no internal connector → Unknown'], derive=INTERNAL))

g.append(edge('EDCA-TLS-040', 'Internal Edge receive connectors refuse anonymous senders',
    'The connector the Mailbox servers use must accept only authenticated Exchange servers. If it also admits anonymous senders, anyone who reaches it can inject mail that looks internal.',
    'Remove AnonymousUsers from the PermissionGroups of the internal receive connector.',
    "# Permission groups of the internal receive connectors\nGet-ReceiveConnector | Where-Object { $_.AuthMechanism -match 'ExchangeServer' } | Format-Table Identity, PermissionGroups, Bindings\n# Set-ReceiveConnector -Identity '<connector>' -PermissionGroups ExchangeServers,Partners",
    'On an Edge server, setup creates one default connector for both directions; separating internal and internet connectors (by binding or remote IP ranges) is a prerequisite of this control.',
    EDGE_RC, [('Unknown', 'internal is empty'), ('Fail', 'any internal row has AnonymousUsers in PermissionGroups'), ('Pass', 'otherwise')],
    'A L7622: internal = ExchangeServer in AuthMechanism; Fail when any has AnonymousUsers.', None,
    ['ExchangeServers,Partners → Pass', 'AnonymousUsers,ExchangeServers,Partners (setup default) → Fail'], derive=INTERNAL))

EDGE_SC = [f(SC, EDGE, 'Identity', 'Enabled', 'AddressSpaces', 'DNSRoutingEnabled', 'SmartHosts', 'RequireTLS', 'DomainSecureEnabled', 'ProtocolLoggingLevel')]
for id, title, desc, fix, script, cons, rules, upstream, correction, cases, derive in [
    ('EDCA-TLS-034', 'Edge send connectors require TLS', 'Mail leaving through the Edge server travels over the internet; a send connector that requires TLS never sends it in clear text.',
     'Set RequireTLS to true on the Edge send connectors.', "# Edge send connectors\nGet-SendConnector | Format-Table Identity, AddressSpaces, RequireTLS\n# Set-SendConnector -Identity '<connector>' -RequireTLS $true",
     'Requiring TLS on the internet connector makes mail to domains without TLS wait and then bounce; many organisations require it only per partner domain. Upstream checks every enabled connector.',
     [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has RequireTLS false'), ('Pass', 'otherwise')],
     'A L7398: every send connector with RequireTls false → Fail; none → Unknown.', 'Only enabled connectors.',
     ['all true → Pass', 'internet false → Fail'], {'enabled': 'rows with Enabled true'}),
    ('EDCA-TLS-035', 'Edge send connectors log the SMTP conversation', 'Verbose protocol logging on the Edge send connectors records every delivery attempt to the internet, including whether TLS was used.',
     'Set ProtocolLoggingLevel to Verbose on the Edge send connectors (on a subscribed Edge, on the organisation\'s EdgeSync connectors from a Mailbox server).', "# Edge send connectors\nGet-SendConnector | Format-Table Identity, ProtocolLoggingLevel\n# Set-SendConnector -Identity '<connector>' -ProtocolLoggingLevel Verbose",
     'Logs grow with traffic and hold addresses; they are pruned by the transport service limits.',
     [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has ProtocolLoggingLevel other than Verbose'), ('Pass', 'otherwise')],
     'TLS-035: send connectors are Verbose.', 'Only enabled connectors.', ['Verbose → Pass', 'None → Fail'], {'enabled': 'rows with Enabled true'}),
    ('EDCA-TLS-042', 'The Edge internet send connector delivers through a smart host', 'Upstream\'s baseline (from the DISA STIG) routes outgoing internet mail of the Edge server through a smart host, such as a filtering gateway, instead of delivering directly by DNS.',
     'Set the smart hosts of the internet send connector and DNSRoutingEnabled false, if the organisation uses a gateway.', "# Internet send connector routing\nGet-SendConnector | Format-Table Identity, AddressSpaces, DNSRoutingEnabled, SmartHosts\n# Set-SendConnector -Identity '<connector>' -SmartHosts gateway.contoso.com -DNSRoutingEnabled $false",
     'Contradicts EDCA-TLS-010 (Mailbox: DNS routing). Direct DNS delivery from the Edge server is Microsoft\'s default design; organisations without a gateway should disable this control.',
     [('Unknown', 'internet is empty'), ('Fail', 'any internet row has DNSRoutingEnabled true'), ('Pass', 'otherwise')],
     'A L7721: Fail when a connector uses DNS routing.', 'Only the internet (address space *) connector is judged; the EdgeSync inbound connector routes to the site, not by DNS.',
     ['smart host → Pass', 'DNS routing → Fail'], {'internet': 'enabled rows with an address space *'}),
    ('EDCA-TLS-043', 'Edge send connectors to the organisation use domain security', 'Upstream\'s baseline asks that the Edge send connectors use mutual-TLS domain security, so that the Edge server authenticates the receiving side by certificate.',
     'Set DomainSecureEnabled to true on the Edge send connectors.', "# Domain security on the Edge send connectors\nGet-SendConnector | Format-Table Identity, AddressSpaces, DomainSecureEnabled\n# Set-SendConnector -Identity '<connector>' -DomainSecureEnabled $true",
     'Connectors to the Active Directory site created by EdgeSync already authenticate with Exchange server credentials; domain security matters for partner domains. Kept as upstream on every enabled connector.',
     [('Unknown', 'enabled is empty'), ('Fail', 'any enabled row has DomainSecureEnabled false'), ('Pass', 'otherwise')],
     'A L7755: every connector with DomainSecureEnabled false → Fail.', 'Only enabled connectors.', ['true → Pass', 'false → Fail'], {'enabled': 'rows with Enabled true'}),
]:
    g.append(edge(id, title, desc, fix, script, cons, EDGE_SC, rules, upstream, correction, cases, derive=derive))

# ---------------------------------------------------------------------------------------------------------------
# Get-SettingOverride (organisation), with Get-IRMConfiguration
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-SettingOverride (organisation), Get-IRMConfiguration', '''Setting overrides are organisation objects
that apply to all servers or, when `Server` is set, to the listed servers only. Common correction: upstream
recognises overrides by their **Name**, which is free text chosen by whoever created them; the agent recognises them
by `ComponentName` + `SectionName` (+ `Parameters`), which is what Exchange reads. An override that applies to a
server = `Server` empty or containing the server's name. Parameters are compared as `Name=Value` with the name
case-insensitive and the value case-insensitive for booleans.''', g))

SO = 'Get-SettingOverride'
SO_F = f(SO, ORG, 'Name', 'ComponentName', 'SectionName', 'Parameters', 'Server')

g.append(dict(
    id='EDCA-DATA-004', title='Serialized data signing is on',
    desc='Exchange passes serialized objects between its components; signing them prevents an attacker who can inject data (as in the 2022–2023 deserialisation vulnerabilities) from having it deserialised. Microsoft introduced the signing in the January 2023 security update and turned it on by default later.',
    fix='Turn serialized data signing on with the setting override Microsoft documents (component Data, section EnableSerializationDataSigning, Enabled=true) on builds where it is not on by default, after the auth certificate is valid on every server (EDCA-DATA-002).',
    script="# Setting override or registry value for serialized data signing\nGet-SettingOverride | Where-Object { $_.ComponentName -eq 'Data' -and $_.SectionName -eq 'EnableSerializationDataSigning' } | Format-List Name, Parameters, Server\nGet-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics' -Name EnableSerializationDataSigning -ErrorAction SilentlyContinue\n# New-SettingOverride -Name 'EnableSigningVerification' -Component Data -Section EnableSerializationDataSigning -Parameters @('Enabled=true') -Reason 'Enabling Signing Verification'\n# Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh",
    cons='Signing depends on the Exchange auth certificate: with an expired or missing one, signing breaks features across the organisation. The build from which signing is on by default (inferred: Exchange 2019 CU14 and SE) is not encoded yet: on such builds "no override, no registry value" is reported Unknown, not Fail, until the catalog says where the default changed.',
    facts=[SO_F, {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics', 'values': ['EnableSerializationDataSigning']}],
    derive={'override': 'an override applying to this server with ComponentName Data and SectionName EnableSerializationDataSigning'},
    rules=[('Fail', 'override has Enabled=false in Parameters'),
           ('Pass', 'override has Enabled=true, or the registry value is 1 (Exchange 2016)'),
           ('Unknown', 'neither, and the build is one where signing is on by default (catalog entry to add)'),
           ('Fail', 'otherwise')],
    upstream='A L4682: Pass when SerializedDataSigningEnabled (registry, or an override found by Name) is true; Fail when false; Unknown when null. verify=false.',
    correction='Override found by component and section; an override that switches signing off is a Fail whatever else is set; the default-on builds are not failed.',
    cases=['override Enabled=true → Pass', 'registry 1 on 2016 → Pass', 'override Enabled=false → Fail', 'nothing on 2019 CU12 → Fail', 'override for another server only → as nothing', 'override denied → Unknown'],
))

g.append(dict(
    id='EDCA-DATA-016', title='IRM-protected messages use AES-256 in CBC mode',
    desc='Exchange encrypts IRM-protected content with AES in ECB mode unless told to use AES-256 CBC, which Microsoft Purview Information Protection now uses. ECB reveals patterns in the encrypted data; the setting override switches Exchange to CBC.',
    fix='Create the setting override Microsoft documents (component Encryption, section EnableEncryptionAlgorithmCBC, Enabled=True) once IRM with Azure RMS or AD RMS is in use and all clients support CBC.',
    script="# IRM state and the CBC override\nGet-IRMConfiguration | Select-Object InternalLicensingEnabled, ExternalLicensingEnabled, AzureRMSLicensingEnabled\nGet-SettingOverride | Where-Object { $_.ComponentName -eq 'Encryption' } | Format-List Name, SectionName, Parameters\n# New-SettingOverride -Name 'EnableEncryptionAlgorithmCBC' -Parameters @('Enabled=True') -Component Encryption -Section EnableEncryptionAlgorithmCBC -Reason 'Enable CBC encryption'",
    cons='Older Office clients that cannot read CBC-protected content must be updated first. Without IRM licensing the control is Skipped.',
    facts=[f('Get-IRMConfiguration', ORG, 'InternalLicensingEnabled', 'ExternalLicensingEnabled', 'AzureRMSLicensingEnabled'), SO_F],
    applicable='any of InternalLicensingEnabled, ExternalLicensingEnabled, AzureRMSLicensingEnabled is true',
    rules=[('Pass', 'an override with ComponentName Encryption, SectionName EnableEncryptionAlgorithmCBC and Enabled=True applies to the organisation (Server empty)'), ('Fail', 'otherwise')],
    upstream='A L2105: Skipped without IRM licensing; Pass when an override named EnableEncryptionAlgorithmCBC exists.',
    correction='Recognised by component, section and parameter, not by name; an override with Enabled=False does not pass. verify=false upstream.',
    cases=['IRM on, override → Pass', 'IRM on, no override → Fail', 'IRM on, override Enabled=False → Fail', 'IRM off → Skipped', 'IRM cmdlet denied → Unknown'],
))

g.append(dict(
    id='EDCA-SEC-006', title='Only known setting overrides are in place',
    desc='Setting overrides change Exchange behaviour outside the normal configuration and are easy to forget: some were published as temporary workarounds that switch off protections. This control lists every override that is not one of the known, protective ones, for review.',
    fix='Review each listed override with its Reason; remove those that are no longer needed (Remove-SettingOverride) and refresh the variant configuration.',
    automatable=False,
    script="# All setting overrides\nGet-SettingOverride | Format-List Name, ComponentName, SectionName, Parameters, Server, Reason\n# Remove-SettingOverride -Identity '<name>'",
    cons='The control never fails: an override can be legitimate. The known set is data (component/section pairs) and will need updating as Microsoft publishes new overrides.',
    facts=[SO_F],
    derive={'known': 'Data/EnableSerializationDataSigning (Enabled=true), Encryption/EnableEncryptionAlgorithmCBC (Enabled=True), OAuth/OAuthIdentityCacheFixForDownloadDomains, Global/ExchangeOnpremAsThirdPartyAppId (dedicated hybrid app), Cafe/AmsiRequestBodyScanning* (inferred section name)',
            'other': 'overrides applying to this server that are not in known'},
    rules=[('Pass', 'other is empty'), ('Unknown', 'otherwise', 'evidence: name, component, section, parameters, reason of each')],
    upstream='A L4704: removes a few known overrides **by name** (EnableSigningVerification, EnableExchangeHybrid3PAppFeature, FlightingServiceOverride_*_F1.1, EnableAMSIBodyScan*, EnableEncryptionAlgorithmCBC); Pass when none is left, Unknown otherwise. verify=false.',
    correction='Known overrides recognised by component and section instead of name, and an override of a known section that switches the protection off (Enabled=false) is never "known".',
    cases=['none → Pass', 'only the signing override → Pass', 'signing override with Enabled=false → Unknown', 'an AMSI-disabling override (Cafe/HttpRequestFiltering Enabled=False) → Unknown', 'denied → Unknown'],
))

g.append(dict(
    id='EDCA-SEC-032', title='Detection of non-compliant P2 FROM headers is not switched off',
    desc='Since the November 2023 security update Exchange flags messages whose From header (P2) does not match the envelope sender in a suspicious way, a common spoofing technique. Microsoft documented a setting override to switch the detection off; it should not be present.',
    fix='Remove the setting override that disables the P2 FROM detection and refresh the variant configuration.',
    script="# Overrides touching the non-compliant sender detection\nGet-SettingOverride | Where-Object { $_.Name -match 'P2From' -or $_.SectionName -match 'NonCompliantSenders' } | Format-List Name, ComponentName, SectionName, Parameters\n# Remove-SettingOverride -Identity '<name>'",
    cons='Some line-of-business senders produce such headers legitimately; fix the sender rather than the detection. The override\'s component and section are taken from Microsoft\'s article (inferred: Transport / NonCompliantSenders); the override is also recognised by upstream\'s name test, so that an override created from the article is found either way.',
    facts=[SO_F],
    rules=[('Fail', 'an override has SectionName NonCompliantSenders with a parameter set to false, or a Name matching DisableP2FromRegexMatch (ignoring case)'), ('Pass', 'otherwise')],
    upstream='A L236: Fail when any override name matches DisableP2FromRegexMatch; Pass otherwise; no data → Unknown.',
    correction='Also recognised by section (names are free text).',
    cases=['no overrides → Pass', 'named DisableP2FromRegexMatch → Fail', 'renamed but section NonCompliantSenders with false → Fail', 'denied → Unknown'],
))

# ---------------------------------------------------------------------------------------------------------------
# Auth certificate, authorization servers and hybrid applications (organisation)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-AuthConfig, Get-AuthServer, Get-PartnerApplication (organisation)', '''**Hybrid** (as in EDCA-TLS-003):
a send connector with CloudServicesMailEnabled or a smart host in mail.protection.outlook.com. The shared Exchange
Online application id is `00000002-0000-0ff1-ce00-000000000000`; an **EvoSTS** authorization server is one of
Type `AzureAD`.''', g))

g.append(dict(
    id='EDCA-DATA-002', title='The Exchange auth certificate is on every Mailbox server and valid for at least 30 days',
    desc='Exchange signs OAuth tokens between its servers, with Exchange Online and with SharePoint or Teams using the auth certificate. When it expires or is missing on a server, Outlook on the web, the admin center, hybrid free/busy and serialized data signing fail.',
    fix='Renew the auth certificate with MonitorExchangeAuthCertificate.ps1 (CSS-Exchange) or New-ExchangeCertificate plus Set-AuthConfig, then publish it and wait for it to reach every server.',
    automatable=False,
    script="# The auth certificate and this server's copy\n$a = Get-AuthConfig\n$a | Select-Object CurrentCertificateThumbprint, NextCertificateThumbprint, NextCertificateEffectiveDate\nGet-ChildItem Cert:\\LocalMachine\\My | Where-Object Thumbprint -eq $a.CurrentCertificateThumbprint | Select-Object Subject, NotAfter",
    cons='The certificate is created by setup with a five-year life and is not renewed automatically. A next certificate (NextCertificateThumbprint) with an effective date in the future is not judged. The organisation\'s finding lists each Mailbox server whose store lacks the certificate.',
    facts=[f('Get-AuthConfig', ORG, 'CurrentCertificateThumbprint', 'NextCertificateThumbprint', 'NextCertificateEffectiveDate'),
           {'kind': 'certificate', 'store': 'LocalMachine\\My', 'subject': 'each Mailbox server of the organisation in the scan', 'fields': ['thumbprint', 'notAfter']}],
    derive={'rows': 'per Mailbox server: the certificate whose thumbprint equals CurrentCertificateThumbprint'},
    rules=[('Unknown', 'CurrentCertificateThumbprint empty'),
           ('Fail', 'on any server no such certificate, or its notAfter < scanTime + 30 days'),
           ('Unknown', 'on any server notAfter < scanTime + 60 days'),
           ('Pass', 'otherwise')],
    upstream='A L2286: the certificate present in the store; expired or < 30 days → Fail; < 60 days → Unknown; per server, a thumbprint missing from the local store → Fail; Edge rows Skipped. verify=false.',
    correction=None,
    cases=['valid on both servers → Pass', 'missing on MBX02 → Fail (names MBX02)', 'expires in 45 days → Unknown', 'expired → Fail', 'AuthConfig denied → Unknown'],
))

g.append(dict(
    id='EDCA-GOV-004', title='A hybrid organisation has OAuth set up with Exchange Online',
    desc='Hybrid features such as free/busy, mailbox moves, MailTips and the modern hybrid agent authenticate with OAuth between Exchange Server and Exchange Online. That needs an enabled EvoSTS (or ACS) authorization server and the Exchange Online partner application.',
    fix='Run the Hybrid Configuration Wizard with OAuth, or configure OAuth between Exchange Server and Exchange Online as Microsoft documents.',
    automatable=False,
    script="# OAuth objects for hybrid\nGet-AuthServer | Format-Table Name, Type, Enabled, ApplicationIdentifier\nGet-PartnerApplication | Format-Table Name, Enabled, ApplicationIdentifier",
    cons='Hybrid without OAuth falls back to DAuth (federation trust) for free/busy, which Microsoft is retiring. Non-hybrid organisations are Skipped.',
    facts=[f('Get-AuthServer', ORG, 'Name', 'Type', 'Enabled', 'ApplicationIdentifier'), f('Get-PartnerApplication', ORG, 'Name', 'Enabled', 'ApplicationIdentifier'), f(SC, ORG, 'CloudServicesMailEnabled', 'SmartHosts', 'Enabled')],
    applicable='hybrid',
    rules=[('Fail', 'no enabled AuthServer of Type AzureAD or MicrosoftACS'), ('Fail', 'no enabled PartnerApplication with the shared Exchange Online application id'), ('Pass', 'otherwise')],
    upstream='A L1191: Pass when "hybrid OAuth configured" (an enabled EvoSTS or ACS server and the Exchange Online partner application), **Fail otherwise**, so every non-hybrid organisation fails. verify=false.',
    correction='Non-hybrid organisations are Skipped.',
    cases=['hybrid with OAuth → Pass', 'hybrid, partner application disabled → Fail', 'not hybrid → Skipped', 'AuthServer denied → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-011', title='Hybrid OAuth uses the dedicated Exchange hybrid application',
    desc='Microsoft is moving Exchange hybrid from the shared Exchange Online application to a dedicated application registered in the organisation\'s own tenant, which limits what the on-premises servers can request. From the April 2025 hotfix updates the shared application stops working for hybrid features.',
    fix='Run Microsoft\'s ConfigureExchangeHybridApplication.ps1 to create the dedicated application, the setting override and the authorization server, and remove the shared application\'s use.',
    automatable=False,
    script="# Authorization servers and the dedicated-app override\nGet-AuthServer | Where-Object Type -eq 'AzureAD' | Format-Table Name, Enabled, ApplicationIdentifier\nGet-SettingOverride | Where-Object { $_.ComponentName -eq 'Global' -and $_.SectionName -eq 'ExchangeOnpremAsThirdPartyAppId' } | Format-List Name, Parameters",
    cons='Requires Exchange 2019 CU14/CU15 or SE with the April 2025 hotfix or later. Non-hybrid organisations are Skipped (upstream passes them).',
    facts=[f('Get-AuthServer', ORG, 'Name', 'Type', 'Enabled', 'ApplicationIdentifier'), SO_F, f(SC, ORG, 'CloudServicesMailEnabled', 'SmartHosts', 'Enabled')],
    applicable='hybrid',
    derive={'evo': 'enabled AuthServer rows of Type AzureAD', 'dedicated': 'evo rows whose ApplicationIdentifier is a GUID other than the shared id', 'shared': 'evo rows with the shared id'},
    rules=[('Fail', 'no override with ComponentName Global and SectionName ExchangeOnpremAsThirdPartyAppId'), ('Fail', 'dedicated is empty or shared is not empty'), ('Pass', 'otherwise')],
    upstream='A L1140 with C L1014–1030: Pass when hybrid OAuth is not configured; otherwise Pass when an override (Global/ExchangeOnpremAsThirdPartyAppId) exists, a dedicated EvoSTS server exists and no EvoSTS server uses the shared id; Fail otherwise.',
    correction='Not hybrid → Skipped instead of Pass.',
    cases=['dedicated app set up → Pass', 'shared id still on an EvoSTS server → Fail', 'no override → Fail', 'not hybrid → Skipped'],
))

# ---------------------------------------------------------------------------------------------------------------
# Get-Mailbox (org-wide, heavy)
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-Mailbox (organisation-wide)', '''One `Get-Mailbox -ResultSize Unlimited` on the organisation-facts
server, only when one of these three controls is selected; rows capped (`cmdlets.md` §4.3). A `truncated` answer
makes a Pass impossible: the verdict is Fail if a failing mailbox was seen, otherwise Unknown. The evidence names at
most 20 mailboxes and gives the count.''', g))

MB = 'Get-Mailbox'
g.append(dict(
    id='EDCA-GOV-001', title='Shared, room and equipment mailboxes have disabled user accounts',
    desc='Shared, room and equipment mailboxes are used through permissions, never by signing in. If their user account is enabled, it has a password that someone set once and nobody rotates, and anyone who learns it signs in without owning a personal account.',
    fix='Disable the Active Directory accounts of shared, room and equipment mailboxes; convert user mailboxes used as shared ones to the Shared type.',
    script="# Non-personal mailboxes with an enabled account\nGet-Mailbox -ResultSize Unlimited -RecipientTypeDetails 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox' | Where-Object { -not $_.AccountDisabled } | Format-Table DisplayName, RecipientTypeDetails, UserPrincipalName\n# Disable-ADAccount -Identity '<samAccountName>'",
    cons='Applications that sign in to a shared mailbox with its own password (scanners, old integrations) break; give them their own account with permissions on the mailbox.',
    facts=[f(MB, MBX, 'UserPrincipalName', 'RecipientTypeDetails', 'AccountDisabled')],
    derive={'bad': 'rows with RecipientTypeDetails SharedMailbox, RoomMailbox or EquipmentMailbox and AccountDisabled false'},
    rules=[('Fail', 'bad is not empty'), ('Unknown', 'truncated'), ('Pass', 'otherwise')],
    upstream='C L4183–4188 and A L3830: counts every mailbox that is not a UserMailbox and whose AccountDisabled is false; Fail when the count is above 0.',
    correction='Limited to shared, room and equipment mailboxes: linked, discovery, arbitration and other system mailboxes have their own account rules and upstream\'s test catches them by accident (a linked mailbox\'s account is disabled by design; inferred).',
    cases=['all shared disabled → Pass', 'one shared enabled → Fail', 'linked mailbox enabled → Pass', 'truncated, none seen → Unknown'],
))

g.append(dict(
    id='EDCA-IAC-001', title='User mailboxes sign in with their primary e-mail address',
    desc='When each user\'s UPN equals their primary SMTP address, users sign in with the address they know, and hybrid, modern authentication and Microsoft 365 sign-in work without alternate login IDs. Mismatches cause failed sign-ins and support calls rather than a direct vulnerability.',
    fix='Align UPNs with primary SMTP addresses (add the UPN suffix to the forest, then change UPNs), or configure an alternate login ID where that is not feasible.',
    automatable=False,
    script="# User mailboxes whose UPN differs from the primary SMTP address\nGet-Mailbox -ResultSize Unlimited -RecipientTypeDetails UserMailbox | Where-Object { $_.UserPrincipalName -ne [string]$_.PrimarySmtpAddress } | Format-Table DisplayName, UserPrincipalName, PrimarySmtpAddress",
    cons='Changing a UPN changes how the user signs in everywhere (Windows, VPN, applications); plan it with the identity team.',
    facts=[f(MB, MBX, 'UserPrincipalName', 'PrimarySmtpAddress', 'RecipientTypeDetails')],
    derive={'bad': 'UserMailbox rows whose UserPrincipalName and PrimarySmtpAddress are both set and differ (ignoring case)'},
    rules=[('Fail', 'bad is not empty'), ('Unknown', 'truncated'), ('Pass', 'otherwise')],
    upstream='C L4175–4181 and A L272: compares UserPrincipalName with WindowsEmailAddress for UserMailbox rows.',
    correction='PrimarySmtpAddress is what the title names; WindowsEmailAddress (the AD mail attribute) usually equals it but can differ.',
    cases=['all equal → Pass', 'one differs → Fail', 'case differs only → Pass', 'truncated → Unknown'],
))

g.append(dict(
    id='EDCA-RES-011', title='Single item recovery is on for every user mailbox',
    desc='With single item recovery, items a user purges stay recoverable for the deleted-item retention period, and changed items keep their original version. Without it, a user or an attacker with the user\'s access can destroy mail permanently at once.',
    fix='Enable single item recovery on every user mailbox (Set-Mailbox -SingleItemRecoveryEnabled $true) and in the provisioning process.',
    script="# User mailboxes without single item recovery\nGet-Mailbox -ResultSize Unlimited -RecipientTypeDetails UserMailbox | Where-Object { -not $_.SingleItemRecoveryEnabled } | Format-Table DisplayName, UserPrincipalName\n# Get-Mailbox -ResultSize Unlimited -RecipientTypeDetails UserMailbox | Set-Mailbox -SingleItemRecoveryEnabled $true",
    cons='Recovered items count against the Recoverable Items quota (30 GB by default), not the mailbox quota. New mailboxes do not inherit the setting: it has to be part of provisioning.',
    facts=[f(MB, MBX, 'UserPrincipalName', 'RecipientTypeDetails', 'SingleItemRecoveryEnabled')],
    derive={'bad': 'UserMailbox rows with SingleItemRecoveryEnabled false'},
    rules=[('Fail', 'bad is not empty'), ('Unknown', 'truncated'), ('Pass', 'otherwise')],
    upstream='C L4191–4196 and A L2260: count of UserMailbox rows with SingleItemRecoveryEnabled false; Fail above 0. verify=false.', correction=None,
    cases=['all on → Pass', 'one off → Fail', 'shared mailbox off → Pass (not judged)', 'denied → Unknown'],
))

# ---------------------------------------------------------------------------------------------------------------
# Server object, DAG and services
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-ExchangeServer, Get-DatabaseAvailabilityGroup, Test-ReplicationHealth; local service and hardware facts', '''Three of
these controls need no cmdlet at all (stage `local`): upstream reads the product line and the role from
`Get-ExchangeServer`, which the registry gives as well (GOV-002's product line, the `EdgeTransportRole` /
`MailboxRole` keys), and RES-001's services are read locally instead of through `Test-ServiceHealth`.''', g))

g.append(dict(
    id='EDCA-GOV-008', title='Exchange does not send error reports to Microsoft',
    desc='With error reporting on, Exchange sends crash and error data, which can contain fragments of memory and therefore of mail, to Microsoft. Organisations that decide what leaves their network switch it off.',
    fix='Switch error reporting off for every Exchange server with Set-ExchangeServer.',
    script="# Error reporting of this server\nGet-ExchangeServer -Identity $env:COMPUTERNAME | Select-Object Name, ErrorReportingEnabled\n# Set-ExchangeServer -Identity $env:COMPUTERNAME -ErrorReportingEnabled $false",
    cons='Microsoft support may ask for it to be switched on during a case. An unset value (setup was told not to decide) sends nothing and passes (inferred).',
    facts=[f('Get-ExchangeServer', SRV, 'Name', 'ErrorReportingEnabled')],
    rules=[('Fail', 'ErrorReportingEnabled is true'), ('Pass', 'ErrorReportingEnabled is false or null')],
    upstream='A L6189: Pass when ErrorReportingEnabled is false, Fail when true, **Unknown** when null.', correction='Null passes (nothing is sent), as GOV-009 treats its null.',
    cases=['false → Pass', 'true → Fail', 'null → Pass', 'Edge local true → Fail']))

g.append(dict(
    id='EDCA-RES-012', title='Each database availability group has members in at least two Active Directory sites',
    desc='A database availability group whose members all sit in one site survives the loss of a server, not of the site. Members in two sites let databases be activated in the second site after a datacentre failure.',
    fix='Add members in a second Active Directory site (and a witness in a third location), then add database copies there.',
    automatable=False,
    script="# DAG members and their sites\nGet-DatabaseAvailabilityGroup | ForEach-Object {\n    $dag = @{ n = 'DAG'; e = { $d.Name } }\n    $d = $_\n    $d.Servers | ForEach-Object { Get-ExchangeServer $_ | Select-Object $dag, 'Name', 'Site' }\n}",
    cons='Two sites need bandwidth for replication and a witness placement decision; small organisations with one datacentre accept the risk and should disable the control. Without a DAG the control is Skipped (EDCA-RES-010 reports single copies).',
    facts=[f('Get-DatabaseAvailabilityGroup', ORG, 'Name', 'Servers'), f('Get-ExchangeServer', 'Organization (all servers)', 'Name', 'Site')],
    applicable='at least one DAG with at least one member',
    derive={'sites(d)': 'the distinct Site values of the members of DAG d'},
    rules=[('Unknown', 'a member of some DAG has no Site in the server list'), ('Fail', 'any DAG with count(sites) < 2', 'evidence: the DAG and its site'), ('Pass', 'otherwise')],
    upstream='A L2221: groups the scanned servers by DAG name (IsDagMember, DagName) and counts distinct AD sites per DAG; Fail below 2; no DAG member in the scan → Skipped. verify=false.',
    correction='Taken from the organisation objects, so members outside the scan count.',
    cases=['DAG over two sites → Pass', 'DAG in one site → Fail', 'no DAG → Skipped', 'two DAGs, one single-site → Fail']))

g.append(dict(
    id='EDCA-RES-003', title='Replication health checks pass on database availability group members',
    desc='Test-ReplicationHealth checks the cluster service, the replay service, the active manager, the copy and replay queues and the network between members. A failing check means a database copy may not be able to take over when needed.',
    fix='Investigate each failing check (Get-MailboxDatabaseCopyStatus, cluster logs) and repair the copies or the network.',
    automatable=False,
    script="# Replication health of this member\nTest-ReplicationHealth -Identity $env:COMPUTERNAME | Format-Table Check, Result, Error -AutoSize",
    cons='The test contacts the other members over RPC and the cluster service and needs local administrator rights (inferred); with read-only rights the result is Unknown. Checks can fail briefly during maintenance.',
    facts=[f('Test-ReplicationHealth', SRV, 'Check', 'Result', 'Error'), f('Get-DatabaseAvailabilityGroup', ORG, 'Name', 'Servers')],
    applicable='the server is a DAG member (a Get-DatabaseAvailabilityGroup row lists it)',
    rules=[('Fail', 'any row has Result other than Passed', 'evidence: check and error'), ('Unknown', 'no rows'), ('Pass', 'otherwise')],
    upstream='A L3099: Skipped when IsDagMember is false, or when the Test-ReplicationHealth error message matches English phrases such as "not a member of a database availability group"; Unknown when the result is null; Pass when ReplicationHealthPassed.',
    correction='Membership comes from Get-DatabaseAvailabilityGroup, never from the (localised) text of an error message.',
    cases=['all Passed → Pass', 'ClusterNetwork Failed → Fail', 'not a member → Skipped', 'denied → Unknown']))

RES001_MBX = ['HostControllerService', 'MSExchangeADTopology', 'MSExchangeAntispamUpdate', 'MSExchangeDagMgmt', 'MSExchangeDelivery', 'MSExchangeDiagnostics', 'MSExchangeEdgeSync', 'MSExchangeFastSearch', 'MSExchangeFrontEndTransport', 'MSExchangeHM', 'MSExchangeIS', 'MSExchangeMailboxAssistants', 'MSExchangeMailboxReplication', 'MSExchangeRepl', 'MSExchangeRPC', 'MSExchangeServiceHost', 'MSExchangeSubmission', 'MSExchangeThrottling', 'MSExchangeTransport', 'MSExchangeTransportLogSearch', 'W3Svc', 'WinRM']
RES001_EDGE = ['ADAM_MSExchange', 'MSExchangeAntispamUpdate', 'MSExchangeEdgeCredential', 'MSExchangeHM', 'MSExchangeServiceHost', 'MSExchangeTransport', 'MSExchangeTransportLogSearch']
g.append(dict(
    id='EDCA-RES-001', title='The Exchange services the server\'s role needs are running',
    desc='Each Exchange role depends on a set of Windows services (topology, information store, transport, health manager and others). A stopped required service means a part of mail flow or client access is down on that server.',
    fix='Start the stopped services and find why they stopped (event log); if a service was disabled on purpose, document it.',
    script="# Exchange services set to start automatically that are not running\nGet-CimInstance Win32_Service -Filter \"StartMode = 'Auto'\" | Where-Object { $_.Name -like 'MSExchange*' -and $_.State -ne 'Running' } | Select-Object Name, State, StartMode\n# Start-Service -Name '<name>'",
    cons='Read locally, so the control works with key authentication and without the Exchange stage. The list per role is ours, built from what Test-ServiceHealth reports as required (inferred; compare on a lab server of each version: MSExchangeUM exists only on 2016, and some services start on demand). A service in the list that is absent from the server is reported in the evidence and ignored, because versions differ.',
    stage='local',
    facts=[{'kind': 'service', 'names': {'Mailbox': RES001_MBX, 'Edge': RES001_EDGE}, 'fields': ['present', 'state', 'startMode']}],
    derive={'required': 'the list for the server\'s role (registry role keys)'},
    rules=[('Fail', 'any present required service with startMode Auto is not Running', 'evidence: the services'), ('Fail', 'any present required service is Disabled'), ('Pass', 'otherwise')],
    upstream='A L3071: Fail when any Test-ServiceHealth role has RequiredServicesRunning false.',
    correction='Local service facts replace Test-ServiceHealth, which reads the server object from AD (needs a network credential) and whose text output differs by version.',
    cases=['all running → Pass', 'MSExchangeTransport stopped → Fail', 'MSExchangeUM absent on 2019 → Pass (not in list)', 'Edge: ADAM_MSExchange stopped → Fail', 'service facts denied → Unknown']))

g.append(dict(
    id='EDCA-PERF-014', title='Installed memory is within Microsoft\'s range for the version and role',
    desc='Microsoft sizes Exchange servers within a memory range per version and role: too little memory starves the store cache, too much is unsupported and hurts .NET garbage collection.',
    fix='Adjust the memory of the server (or virtual machine) into the supported range.',
    automatable=False,
    script="# Installed memory, product line and role\n[math]::Round((Get-CimInstance Win32_PhysicalMemory | Measure-Object -Property Capacity -Sum).Sum / 1GB)\nGet-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup' | Select-Object MsiProductMajor, MsiProductMinor\nTest-Path 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\EdgeTransportRole'",
    cons='Read locally (no cmdlet). The thresholds are upstream\'s: Exchange 2016 Mailbox 8–192 GB, Edge at least 4 GB; 2019 and SE Mailbox 32–256 GB, Edge at least 8 GB. Microsoft\'s current pages recommend more (128 GB for a 2019 Mailbox server; inferred), so a pass is a floor, not a sizing.',
    stage='local',
    facts=[{'kind': 'cim', 'class': 'root\\cimv2:Win32_PhysicalMemory', 'properties': ['Capacity']},
           {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'values': ['MsiProductMinor']}],
    derive={'ramGB': 'sum(Capacity) / 2^30', 'range': '15.1: Mailbox 8–192, Edge ≥ 4; 15.2: Mailbox 32–256, Edge ≥ 8'},
    rules=[('Unknown', 'memory or product line unknown'), ('Fail', 'ramGB outside range'), ('Pass', 'otherwise')],
    upstream='A L3359: RAM from CIM, product line and role from Get-ExchangeServer / the organisation\'s Edge list.',
    correction='Product line and role from the registry, so the control does not depend on the Exchange stage.',
    cases=['2019 Mailbox 128 GB → Pass', '2019 Mailbox 16 GB → Fail', '2016 Mailbox 256 GB → Fail', 'SE Edge 16 GB → Pass', 'memory denied → Unknown']))

g.append(dict(
    id='EDCA-PERF-015', title='Processor cores are within Microsoft\'s limit for the version',
    desc='Exchange is tested up to a number of physical cores per server (24 for Exchange 2016, 48 for 2019 and SE); beyond it, .NET and the store do not scale and Microsoft does not support the configuration. Hyper-threading doubling the logical count is also outside guidance.',
    fix='Reduce the cores of the server or virtual machine to the limit, and switch hyper-threading off.',
    automatable=False,
    script="# Physical cores and logical processors\n(Get-CimInstance Win32_Processor | Measure-Object -Property NumberOfCores -Sum).Sum\n(Get-CimInstance Win32_ComputerSystem).NumberOfLogicalProcessors",
    cons='Read locally (no cmdlet). Overlaps PERF-003 (hyper-threading) and PERF-006 (logical processors) of issue 16; kept because upstream scores it separately.',
    stage='local',
    facts=[{'kind': 'cim', 'class': 'root\\cimv2:Win32_Processor', 'properties': ['NumberOfCores']},
           {'kind': 'cim', 'class': 'root\\cimv2:Win32_ComputerSystem', 'properties': ['NumberOfLogicalProcessors']},
           {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'values': ['MsiProductMinor']}],
    derive={'cores': 'sum(NumberOfCores)', 'limit': '24 on 15.1, 48 on 15.2'},
    rules=[('Unknown', 'cores or line unknown'), ('Fail', 'cores > limit'), ('Fail', 'NumberOfLogicalProcessors / cores > 2'), ('Pass', 'otherwise')],
    upstream='A L3422: cores ≤ 24 (2016) / 48 (otherwise) and logical/cores ≤ 2.', correction='Product line from the registry.',
    cases=['2019, 24 cores, 24 logical → Pass', '2016, 32 cores → Fail', '2019, 64 cores → Fail']))

# ---------------------------------------------------------------------------------------------------------------
# Other per-server cmdlets
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-RpcClientAccess, Get-ClientAccessService, Get-EventLogLevel, Get-TransportAgent (per server)', '', g))

g.append(dict(
    id='EDCA-DATA-015', title='RPC client access requires encryption',
    desc='With EncryptionRequired, the RPC client access service refuses unencrypted RPC connections from Outlook. It is on by default; switching it off was once a workaround for very old clients.',
    fix='Set EncryptionRequired to true with Set-RpcClientAccess on every Mailbox server.',
    script="# RPC encryption requirement\nGet-RpcClientAccess -Server $env:COMPUTERNAME | Select-Object Server, EncryptionRequired\n# Set-RpcClientAccess -Server $env:COMPUTERNAME -EncryptionRequired $true",
    cons='Outlook connects over HTTPS (MAPI or RPC over HTTP) since Exchange 2013, so this matters for direct RPC only; the default is already true.',
    facts=[f('Get-RpcClientAccess', SRV, 'EncryptionRequired')],
    rules=[('Pass', 'EncryptionRequired is true'), ('Fail', 'EncryptionRequired is false')],
    upstream='A L6020: Pass when true.', correction=None, cases=['true → Pass', 'false → Fail', 'no rows → Unknown']))

g.append(dict(
    id='EDCA-IAC-007', title='The Kerberos alternate service account is the same on every server behind a namespace',
    desc='Behind a load-balanced namespace, Kerberos works only if every Mailbox server holds the same alternate service account (ASA) credential for the namespace\'s service principal names; otherwise clients fall back to NTLM or fail intermittently.',
    fix='Deploy the same ASA credential to every Mailbox server of the namespace with RollAlternateServiceAccountPassword.ps1, and register the SPNs on that account.',
    automatable=False,
    script="# Alternate service account of this server\nGet-ClientAccessService -Identity $env:COMPUTERNAME -IncludeAlternateServiceAccountCredentialStatus | Select-Object -ExpandProperty AlternateServiceAccountConfiguration",
    cons='Only account names are read, never passwords. Servers in the scan are compared per Active Directory site (an approximation of "behind the same namespace"); servers outside the scan are not seen. The credential-status switch may need rights beyond View-Only Organization Management (cmdlets.md row 14).',
    facts=[f('Get-ClientAccessService', SRV, 'AlternateServiceAccountConfiguration.EffectiveCredentials.UserName'), f('Get-ExchangeServer', SRV, 'Name', 'Site')],
    applicable='this server has an ASA (EffectiveCredentials not empty)',
    rules=[('Fail', 'another scanned Mailbox server of the same organisation and Site has a different, non-empty set of ASA user names'), ('Unknown', 'another server of that Site gave an error'), ('Pass', 'otherwise')],
    upstream='A L5663 **(title)**: Skipped when no ASA; compares the credentials with peer servers in the scan.',
    correction='Peers grouped by Site.',
    cases=['no ASA → Skipped', 'same account on both servers → Pass', 'different accounts → Fail', 'peer denied → Unknown']))

g.append(dict(
    id='EDCA-MON-012', title='Exchange diagnostic logging levels are at their lowest',
    desc='Raised diagnostic logging levels fill the event logs, cost performance and can write sensitive details; they are meant for troubleshooting and should be set back afterwards.',
    fix='Set every event log category back to Lowest with Set-EventLogLevel.',
    script="# Categories above Lowest\nGet-EventLogLevel -Server $env:COMPUTERNAME | Where-Object EventLevel -ne 'Lowest' | Format-Table Identity, EventLevel\n# Get-EventLogLevel -Server $env:COMPUTERNAME | Where-Object EventLevel -ne 'Lowest' | ForEach-Object { Set-EventLogLevel -Identity $_.Identity -Level Lowest }",
    cons='A few categories may have a higher default on some builds (inferred); if so, the evidence will show them on every server and the list of expected defaults should be added.',
    facts=[f('Get-EventLogLevel', SRV, 'Identity', 'EventLevel')],
    rules=[('Unknown', 'no rows'), ('Fail', 'any row has EventLevel other than Lowest'), ('Pass', 'otherwise')],
    upstream='A L6559: every EventLevel is Lowest.', correction=None, cases=['all Lowest → Pass', 'MSExchangeTransport\\SmtpReceive Medium → Fail', 'no rows → Unknown']))

TA = 'Get-TransportAgent'
g.append(dict(
    id='EDCA-SEC-034', title='The anti-spam agents are installed and enabled with their filters on',
    desc='On a Mailbox server without an Edge server or gateway, the anti-spam agents (content, sender, sender ID, protocol analysis) are the only spam defence of Exchange itself. They must be installed, enabled as agents, and their filters switched on.',
    fix='Install the agents with Install-AntiSpamAgents.ps1, restart transport, and enable each filter configuration.',
    script="# Anti-spam agents and their filters\nGet-TransportAgent | Format-Table Identity, Enabled\nGet-ContentFilterConfig | Select-Object Enabled\nGet-SenderFilterConfig | Select-Object Enabled\nGet-SenderIdConfig | Select-Object Enabled\nGet-SenderReputationConfig | Select-Object Enabled",
    cons='Organisations that filter in Exchange Online Protection or a gateway do not install the agents on Mailbox servers; they should disable this control. On Edge servers the agents are part of the role (EDCA-TLS-031).',
    facts=[f(TA, SRV, 'Identity', 'Enabled'), f('Get-ContentFilterConfig', ORG, 'Enabled'), f(SF, ORG, 'Enabled'), f('Get-SenderIdConfig', ORG, 'Enabled'), f('Get-SenderReputationConfig', ORG, 'Enabled')],
    derive={'pairs': 'Content Filter Agent ↔ ContentFilterConfig, Sender Filter Agent ↔ SenderFilterConfig, Sender Id Agent ↔ SenderIdConfig, Protocol Analysis Agent ↔ SenderReputationConfig'},
    rules=[('Fail', 'any of the four agents is missing or has Enabled false'), ('Fail', 'any paired config has Enabled false'), ('Pass', 'otherwise')],
    upstream='A L6347 **(title)**: the agents from Get-TransportAgent and the config Enabled flags combined; no agent data → Unknown.', correction=None,
    cases=['all installed and on → Pass', 'agents not installed → Fail', 'content filter config off → Fail', 'agent cmdlet denied → Unknown']))

g.append(dict(
    id='EDCA-SEC-039', title='The built-in Malware Agent is enabled',
    desc='The Malware Agent scans messages in transport with the Exchange anti-malware engine. With it disabled, and no other scanner in the mail flow, attachments reach mailboxes unscanned.',
    fix='Enable the Malware Agent (Enable-TransportAgent "Malware Agent") and check the malware filter policy, or document the scanner that replaces it.',
    script="# Malware agent of this server\nGet-TransportAgent 'Malware Agent' | Select-Object Identity, Enabled\n# Enable-TransportAgent 'Malware Agent'; Restart-Service MSExchangeTransport",
    cons='Organisations with a gateway or Exchange Online Protection that scans all mail may keep it off on purpose.',
    facts=[f(TA, SRV, 'Identity', 'Enabled')],
    rules=[('Unknown', 'no row named Malware Agent'), ('Pass', 'its Enabled is true'), ('Fail', 'its Enabled is false')],
    upstream='A L6533: Pass when the Malware Agent is enabled, Fail when disabled, Unknown when absent.', correction=None,
    cases=['enabled → Pass', 'disabled → Fail', 'absent → Unknown']))

# ---------------------------------------------------------------------------------------------------------------
# Other organisation cmdlets, and the two audit-data controls that are local
# ---------------------------------------------------------------------------------------------------------------
g = []
GROUPS.append(('Get-AdminAuditLogConfig, Get-ClientAccessRule, Get-User, Get-RoleGroupMember; local audit-data controls', '', g))

g.append(dict(
    id='EDCA-MON-001', title='Administrator audit logging records every cmdlet',
    desc='The administrator audit log records who ran which Exchange cmdlet with which parameters. It is the trail for investigating a change or an abuse of administrative rights and is on by default.',
    fix='Enable administrator audit logging for all cmdlets with Set-AdminAuditLogConfig.',
    script="# Audit log configuration\nGet-AdminAuditLogConfig | Format-List AdminAuditLogEnabled, AdminAuditLogCmdlets, AdminAuditLogAgeLimit, LogLevel\n# Set-AdminAuditLogConfig -AdminAuditLogEnabled $true -AdminAuditLogCmdlets *",
    cons='The log is kept in an arbitration mailbox for AdminAuditLogAgeLimit (90 days by default; shown in the evidence). Cmdlets run by loading the snap-in directly, as this agent does, bypass it.',
    facts=[f('Get-AdminAuditLogConfig', ORG, 'AdminAuditLogEnabled', 'AdminAuditLogCmdlets', 'AdminAuditLogAgeLimit')],
    rules=[('Fail', 'AdminAuditLogEnabled is false'), ('Fail', 'AdminAuditLogCmdlets does not contain *', 'only some cmdlets audited'), ('Pass', 'otherwise')],
    upstream='A L2489: Pass when AdminAuditLogEnabled is true.', correction='Also requires that every cmdlet is audited (the title says "configured").',
    cases=['enabled, * → Pass', 'disabled → Fail', 'enabled, only New-* → Fail', 'denied (needs Audit Logs role) → Unknown']))

g.append(dict(
    id='EDCA-IAC-010', title='The admin center and remote PowerShell are restricted to administrators',
    desc='Every mailbox user can open remote PowerShell to Exchange by default, and the admin center is reachable from everywhere Outlook on the web is. Client access rules that limit both to administrators\' networks, and remote PowerShell switched off for ordinary users, remove a path for attackers holding a user\'s password.',
    fix='Create client access rules that allow ExchangeAdminCenter and RemotePowerShell only from administrator networks, and set RemotePowerShellEnabled false for every user who is not an Exchange administrator.',
    automatable=False,
    script="# Client access rules and users allowed remote PowerShell\nGet-ClientAccessRule | Format-Table Name, Enabled, Priority, Action, AnyOfProtocols, AnyOfClientIPAddressesOrRanges\n(Get-User -ResultSize Unlimited -Filter 'RemotePowerShellEnabled -eq $true').Count\n# Set-User -Identity '<user>' -RemotePowerShellEnabled $false",
    cons='A wrong client access rule locks administrators out; always create the allow rule for administrators first and keep the rule that blocks all others at a lower priority. Administrators = members of Organization Management, Server Management or Recipient Management (fixed list); other role groups count as non-administrators.',
    facts=[f('Get-ClientAccessRule', ORG, 'Name', 'Enabled', 'Priority', 'Action', 'AnyOfProtocols', 'AnyOfClientIPAddressesOrRanges'),
           f('Get-User', 'Organization (fixed filter RemotePowerShellEnabled true)', 'SamAccountName', 'RecipientTypeDetails'),
           f('Get-RoleGroupMember', 'Organization (three fixed role groups)', 'SamAccountName')],
    derive={'restrict': 'an enabled rule with Action DenyAccess whose AnyOfProtocols contains ExchangeAdminCenter or RemotePowerShell',
            'nonAdmins': 'Get-User rows whose SamAccountName is in none of the three role groups'},
    rules=[('Fail', 'no restrict rule for RemotePowerShell', 'evidence names the protocol'), ('Fail', 'no restrict rule for ExchangeAdminCenter'),
           ('Fail', 'nonAdmins is not empty', 'evidence: count and up to 20 names'), ('Unknown', 'Get-User truncated and nothing failed'), ('Pass', 'otherwise')],
    upstream='A L1218 **(title)**: client access rules part (none → Fail; enabled rules covering the management protocols) and a count of non-admin RemotePowerShellEnabled users; combined.',
    correction=None,
    cases=['both rules and no non-admin → Pass', 'no rules (default) → Fail', 'rules but 500 users with RPS → Fail', 'Get-User denied → Unknown']))

g.append(dict(
    id='EDCA-MON-010', title='Only system and Exchange accounts can write to the Exchange logging folder',
    desc='The Exchange Logging folder holds protocol, tracking and diagnostic logs that investigations rely on. If other accounts can write there, logs can be altered or deleted.',
    fix='Remove write, modify or full-control entries for other accounts from the Logging folder, restoring the permissions setup created.',
    automatable=False,
    script="# Access entries of the Exchange logging folder\n$setup = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup'\n(Get-Acl (Join-Path $setup.MsiInstallPath 'Logging')).Access | Format-Table IdentityReference, FileSystemRights, AccessControlType, IsInherited",
    cons='Read locally (no cmdlet). Upstream reads the path from AdminAuditLogConfig.AdminAuditLogPath, a property that Exchange 2013 and later do not have (the administrator audit log is in a mailbox), so it always falls back to <install>\\Logging; the agent reads that folder directly. The allowed identities are SEC-035\'s of issue 16 (SYSTEM, Administrators, Exchange Trusted Subsystem, TrustedInstaller, CREATOR OWNER, NETWORK SERVICE), matched by SID, not by name suffix.',
    stage='local',
    facts=[{'kind': 'acl', 'root': 'ExchangeInstall', 'path': 'Logging', 'fields': ['aces.sid', 'aces.identity', 'aces.rights', 'aces.type', 'aces.isInherited']}],
    rules=[('Unknown', 'acl denied or absent'), ('Fail', 'an Allow ACE (inherited or not) for another SID has a write bit (write data, append, write attributes, delete, write DAC, write owner, generic write/all)'), ('Pass', 'otherwise')],
    upstream='A L6803 **(title)**: ACEs of the audit log path, non-standard principals with write rights → Fail. verify=false.',
    correction='Inherited entries count too; identities matched by SID; rights by bitmask (as corrected for SEC-035 in Drafts/local-facts).',
    cases=['setup ACL → Pass', 'Users with Modify → Fail', 'folder absent → Unknown']))

g.append(dict(
    id='EDCA-MON-011', title='The Exchange logging folder is on its own volume',
    desc='Logs that share the Windows or Exchange program volume can fill it and stop the server; keeping them on a separate volume protects both the server and the logs.',
    fix='Move the log folders (transport, protocol, tracking and diagnostic logs) to a dedicated volume, or mount a dedicated volume at <install>\\Logging.',
    automatable=False,
    script="# Volume of the logging folder\n$setup = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup'\nGet-CimInstance Win32_Volume -Filter 'DriveType = 3' | Format-Table Name, Label, FileSystem\nJoin-Path $setup.MsiInstallPath 'Logging'",
    cons='Read locally (no cmdlet); same path decision as EDCA-MON-010. With the default layout the folder is on the program volume and the control fails, unless a volume is mounted at the folder (honoured: longest mount-point prefix). Individual log paths moved elsewhere with Set-TransportService are not examined.',
    stage='local',
    facts=[VOL, {'kind': 'registry', 'key': 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup', 'values': ['MsiInstallPath']}],
    derive={'path': 'MsiInstallPath + Logging', 'vol(p)': 'longest mount-point prefix'},
    rules=[('Unknown', 'vol(path) not found'), ('Fail', 'vol(path) is the system volume or vol(MsiInstallPath)'), ('Pass', 'otherwise')],
    upstream='A L6861 **(title)**: the audit path (always <install>\\Logging in practice) on a volume other than system and install.',
    correction='Mount points honoured.',
    cases=['default on C: → Fail', 'volume mounted at …\\Logging → Pass', 'install on D:, logging on D: → Fail']))
