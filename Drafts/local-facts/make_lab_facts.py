#!/usr/bin/env python3
"""Writes lab-facts/: the facts of the three simulated servers. Edit here, run it, then run make_cases.py."""
import json, os, hashlib
BASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lab-facts')
INSTALL = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\'
I = INSTALL.rstrip('\\')

def tp(seed):
    return hashlib.sha1(seed.encode()).hexdigest().upper()

def reg_sz(v): return {'type': 'REG_SZ', 'data': v}
def reg_dw(v): return {'type': 'REG_DWORD', 'data': v}

def write(host, kind, data):
    os.makedirs(os.path.join(BASE, host), exist_ok=True)
    with open(os.path.join(BASE, host, kind + '.json'), 'w') as f:
        json.dump(data, f, indent=2); f.write('\n')

def setup_key(build):
    a, b, c, d = build.split('.')
    return {'MsiInstallPath': reg_sz(INSTALL), 'MsiProductMajor': reg_dw(int(a)), 'MsiProductMinor': reg_dw(int(b)),
            'MsiBuildMajor': reg_dw(int(c)), 'MsiBuildMinor': reg_dw(int(d)), 'OwaVersion': reg_sz(build)}

CIPHERS_2019_DEFAULT = [
 ('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', [771]), ('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', [771]),
 ('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', [771]), ('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', [771]),
 ('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', [769, 770, 771, 65279, 65277]), ('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', [769, 770, 771, 65279, 65277]),
 ('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', [769, 770, 771, 65279, 65277]), ('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', [769, 770, 771, 65279, 65277]),
 ('TLS_RSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_RSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_RSA_WITH_AES_256_CBC_SHA256', [771]), ('TLS_RSA_WITH_AES_128_CBC_SHA256', [771]),
 ('TLS_RSA_WITH_AES_256_CBC_SHA', [769, 770, 771, 65279, 65277]), ('TLS_RSA_WITH_AES_128_CBC_SHA', [769, 770, 771, 65279, 65277]),
 ('TLS_RSA_WITH_3DES_EDE_CBC_SHA', [769, 770, 771, 65279, 65277]),
 ('TLS_RSA_WITH_NULL_SHA256', [771]), ('TLS_RSA_WITH_NULL_SHA', [768, 769, 770, 771]),
 ('TLS_PSK_WITH_AES_256_GCM_SHA384', [771]), ('TLS_PSK_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_PSK_WITH_AES_256_CBC_SHA384', [771]), ('TLS_PSK_WITH_AES_128_CBC_SHA256', [771]),
 ('TLS_PSK_WITH_NULL_SHA384', [771]), ('TLS_PSK_WITH_NULL_SHA256', [771])]
CIPHERS_HARDENED = [
 ('TLS_AES_256_GCM_SHA384', [772]), ('TLS_AES_128_GCM_SHA256', [772]),
 ('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', [771]),
 ('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', [771]), ('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', [771])]

def suites(lst):
    out = []
    for name, protocols in lst:
        parts = name.split('_WITH_')
        kx = parts[0].replace('TLS_', '') if len(parts) == 2 else ''
        exchange = {'ECDHE_ECDSA': 'ECDH', 'ECDHE_RSA': 'ECDH', 'DHE_RSA': 'DH', 'RSA': 'RSA', 'PSK': 'PSK', '': ''}[kx]
        rest = parts[-1]
        cipher = 'AES' if 'AES' in rest else ('3DES' if '3DES' in rest else ('NULL' if 'NULL' in rest else ''))
        hash_ = rest.split('_')[-1]
        out.append({'name': name, 'protocols': protocols, 'exchange': exchange, 'cipher': cipher, 'hash': hash_})
    return {'suites': out}

def cert(subject, seed, nb, na, pk, dns=(), issuer=None, key=('RSA', 2048), sig='sha256RSA'):
    return {'thumbprint': tp(seed), 'subject': subject, 'issuer': issuer or subject, 'dnsNames': list(dns),
            'notBefore': nb, 'notAfter': na, 'keyAlgorithm': key[0], 'keySize': key[1], 'signatureAlgorithm': sig, 'hasPrivateKey': pk}

MS = 'CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US'
MSWIN = 'CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US'
def modules(token_cache=True):
    w = 'C:\\Windows\\System32\\inetsrv\\'
    lst = [('UriCacheModule', w + 'cachuri.dll', MSWIN, True), ('FileCacheModule', w + 'cachfile.dll', MSWIN, True),
           ('TokenCacheModule', w + 'cachtokn.dll', MSWIN, True), ('HttpCacheModule', w + 'cachhttp.dll', MSWIN, True),
           ('DynamicCompressionModule', w + 'compdyn.dll', MSWIN, True), ('StaticCompressionModule', w + 'compstat.dll', MSWIN, True),
           ('DefaultDocumentModule', w + 'defdoc.dll', MSWIN, True), ('HttpRedirectionModule', w + 'redirect.dll', MSWIN, True),
           ('ProtocolSupportModule', w + 'protsup.dll', MSWIN, True), ('StaticFileModule', w + 'static.dll', MSWIN, True),
           ('AnonymousAuthenticationModule', w + 'authanon.dll', MSWIN, True), ('BasicAuthenticationModule', w + 'authbas.dll', MSWIN, True),
           ('WindowsAuthenticationModule', w + 'authsspi.dll', MSWIN, True), ('CertificateMappingAuthenticationModule', w + 'authcert.dll', MSWIN, True),
           ('IsapiModule', w + 'isapi.dll', MSWIN, True), ('IsapiFilterModule', w + 'filter.dll', MSWIN, True),
           ('RequestFilteringModule', w + 'modrqflt.dll', MSWIN, True), ('CustomErrorModule', w + 'custerr.dll', MSWIN, True),
           ('HttpLoggingModule', w + 'loghttp.dll', MSWIN, True), ('FailedRequestsTracingModule', w + 'iisfreb.dll', MSWIN, True),
           ('ConfigurationValidationModule', w + 'validcfg.dll', MSWIN, True),
           ('ManagedEngineV4.0_32bit', 'C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\webengine4.dll', MSWIN, True),
           ('ManagedEngineV4.0_64bit', 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\webengine4.dll', MSWIN, True),
           ('RewriteModule', w + 'rewrite.dll', MS, False),
           ('exppw', I + '\\Bin\\exppw.dll', MS, False), ('kerbauth', I + '\\Bin\\kerbauth.dll', MS, False)]
    out = []
    for name, image, signer, os_binary in lst:
        if name == 'TokenCacheModule' and not token_cache:
            continue
        out.append({'name': name, 'image': image, 'imageExists': True, 'signatureStatus': 'Valid',
                    'signatureType': 'Catalog' if os_binary else 'Authenticode', 'signerSubject': signer, 'isOSBinary': os_binary})
    return {'modules': out}

WEBCONFIGS = ['FrontEnd\\HttpProxy\\owa\\web.config', 'FrontEnd\\HttpProxy\\ecp\\web.config', 'FrontEnd\\HttpProxy\\EWS\\web.config', 'FrontEnd\\HttpProxy\\Autodiscover\\web.config',
              'ClientAccess\\owa\\web.config', 'ClientAccess\\ecp\\web.config', 'ClientAccess\\exchWeb\\EWS\\web.config', 'ClientAccess\\Autodiscover\\web.config']
def files(build):
    out = [{'root': 'ExchangeInstall', 'path': p, 'answer': {'exists': True, 'isXml': True, 'fileVersion': '', 'productVersion': ''}} for p in WEBCONFIGS]
    out.append({'root': 'ExchangeInstall', 'path': 'Bin\\ExSetup.exe', 'answer': {'exists': True, 'isXml': None, 'fileVersion': build, 'productVersion': build}})
    return out

def acl(extra=(), domain_joined=True):
    aces = [
        {'type': 'Allow', 'flags': 'OICIID', 'isInherited': True, 'rights': 0x1F01FF, 'sid': 'S-1-5-18', 'identity': 'NT AUTHORITY\\SYSTEM'},
        {'type': 'Allow', 'flags': 'OICIID', 'isInherited': True, 'rights': 0x1F01FF, 'sid': 'S-1-5-32-544', 'identity': 'BUILTIN\\Administrators'},
        {'type': 'Allow', 'flags': 'OICIID', 'isInherited': True, 'rights': 0x1200A9, 'sid': 'S-1-5-32-545', 'identity': 'BUILTIN\\Users'},
        {'type': 'Allow', 'flags': 'OICIIOID', 'isInherited': True, 'rights': 0x10000000, 'sid': 'S-1-3-0', 'identity': 'CREATOR OWNER'},
        {'type': 'Allow', 'flags': 'CIIOID', 'isInherited': True, 'rights': 0x10000000, 'sid': 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464', 'identity': 'NT SERVICE\\TrustedInstaller'},
        {'type': 'Allow', 'flags': 'OICIID', 'isInherited': True, 'rights': 0x1200A9, 'sid': 'S-1-15-2-1', 'identity': 'APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES'},
        {'type': 'Allow', 'flags': 'OICI', 'isInherited': False, 'rights': 0x1F01FF, 'sid': 'S-1-5-21-3623811015-3361044348-30300820-1118', 'identity': 'CONTOSO\\Exchange Trusted Subsystem'},
    ] + list(extra)
    if not domain_joined:
        aces = [a for a in aces if 'Exchange Trusted Subsystem' not in a['identity']]
    return [{'root': 'ExchangeInstall', 'path': '', 'answer': {'owner': 'NT AUTHORITY\\SYSTEM', 'aces': aces}}]

EXCL_DIRS = ['Mailbox', 'ClientAccess\\OAB', 'FIP-FS', 'GroupMetrics', 'Logging', 'TransportRoles\\Data\\Queue', 'TransportRoles\\Data\\SenderReputation', 'TransportRoles\\Data\\Temp', 'TransportRoles\\Logs', 'Working\\OleConverter']
EXCL_PROCS = ['EdgeTransport.exe', 'MSExchangeDelivery.exe', 'MSExchangeFrontendTransport.exe', 'MSExchangeHMHost.exe', 'MSExchangeMailboxAssistants.exe', 'MSExchangeMailboxReplication.exe', 'MSExchangeRepl.exe', 'MSExchangeSubmission.exe', 'MSExchangeTransport.exe', 'MSExchangeTransportLogSearch.exe', 'MSExchangeThrottling.exe', 'OleConverter.exe']

def xml(host_sites, temp_path, responder_paths, normal, critical, noderunner):
    app = 'applicationHost.config'
    et = 'Bin\\EdgeTransport.exe.config'
    items = [
        {'root': 'InetsrvConfig', 'file': app, 'select': '/configuration/system.applicationHost/sites/site', 'answer': {'matches': [{'@name': n} for n, _ in host_sites]}},
        {'root': 'InetsrvConfig', 'file': app, 'select': '/configuration/system.applicationHost/sites/site/hsts',
         'answer': {'matches': [dict({'../@name': n}, **h) for n, h in host_sites if h is not None]}},
        {'root': 'InetsrvConfig', 'file': app, 'select': "/configuration/location/system.webServer/httpProtocol/customHeaders/add[@name='Strict-Transport-Security']", 'answer': {'matches': []}},
        {'root': 'ExchangeInstall', 'file': et, 'select': "/configuration/appSettings/add[@key='NormalPriorityMessageExpirationTimeout']", 'answer': {'matches': [{'@value': normal}] if normal else []}},
        {'root': 'ExchangeInstall', 'file': et, 'select': "/configuration/appSettings/add[@key='CriticalPriorityMessageExpirationTimeout']", 'answer': {'matches': [{'@value': critical}] if critical else []}},
        {'root': 'ExchangeInstall', 'file': et, 'select': "/configuration/appSettings/add[@key='TemporaryStoragePath']", 'answer': {'matches': [{'@value': temp_path}] if temp_path else []}},
        {'root': 'ExchangeInstall', 'file': 'Bin\\Monitoring\\Config\\AntiMalware.xml', 'select': '/Definition/MaintenanceDefinition/ExtensionAttributes', 'answer': {'matches': [{'@CleanupFolderResponderFolderPaths': responder_paths}]}},
        {'root': 'ExchangeInstall', 'file': 'Bin\\Search\\Ceres\\Runtime\\1.0\\noderunner.exe.config', 'select': '/configuration/nodeRunnerSettings', 'answer': {'matches': [{'@memoryLimitMegabytes': noderunner}]}},
    ]
    return items

RESPONDER_DEFAULT = 'D:\\ExchangeTemp\\TransportCts\\UnifiedContent;C:\\Windows\\Temp\\UnifiedContent;' + I + '\\TransportRoles\\data\\Temp\\UnifiedContent'
ABSENT = {'state': 'absent', 'message': 'Invalid class '}
GIB = 1073741824

# ---------------------------------------------------------------- hardened: physical Dell, Server 2022, Exchange SE (as Inventory/examples/hardened-exchange-se-mailbox.json, MBX01)
H = 'mbx-hardened'
HB = '15.2.2562.37'
mail_h = cert('CN=mail.contoso.com, O=Contoso Ltd, L=Zurich, C=CH', 'h-mail-2026', '2026-06-01T00:00:00Z', '2027-06-30T23:59:59Z', True,
              ['mail.contoso.com', 'autodiscover.contoso.com'], 'CN=Contoso Issuing CA 02, DC=contoso, DC=com')
self_h = cert('CN=MBX01', 'h-self', '2025-05-10T08:12:00Z', '2030-05-10T08:12:00Z', True, ['MBX01', 'MBX01.contoso.com'])
write(H, 'registry', {
    'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup': setup_key(HB),
    'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion': {'CurrentBuildNumber': reg_sz('20348'), 'UBR': reg_dw(2340)},
    'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:443': {'SslCertHash': {'type': 'REG_BINARY', 'data': mail_h['thumbprint'].lower()}, 'SslCertStoreName': reg_sz('MY')},
    'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:444': {'SslCertHash': {'type': 'REG_BINARY', 'data': self_h['thumbprint'].lower()}, 'SslCertStoreName': reg_sz('MY')},
    'HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002': {'Functions': reg_sz(','.join(n for n, _ in CIPHERS_HARDENED))},
})
write(H, 'service', {
    'MSExchangeMitigation': {'present': True, 'state': 'Running', 'startMode': 'Auto'},
    'MSExchangePOP3': {'present': True, 'state': 'Stopped', 'startMode': 'Disabled'},
    'MSExchangeIMAP4': {'present': True, 'state': 'Stopped', 'startMode': 'Disabled'},
    'MSExchangePOP3BE': {'present': True, 'state': 'Stopped', 'startMode': 'Disabled'},
    'MSExchangeIMAP4BE': {'present': True, 'state': 'Stopped', 'startMode': 'Disabled'},
    'vsepflt': {'present': False}, 'vnetflt': {'present': False}})
write(H, 'cim', {
    'root\\cimv2:Win32_OperatingSystem': {'instances': [{'Version': '10.0.20348', 'BuildNumber': '20348', 'SystemDrive': 'C:', 'Caption': 'Microsoft Windows Server 2022 Datacenter'}]},
    'root\\cimv2:Win32_ComputerSystem': {'instances': [{'Manufacturer': 'Dell Inc.', 'Model': 'PowerEdge R750', 'NumberOfLogicalProcessors': 24, 'NumberOfProcessors': 2, 'TotalPhysicalMemory': 137026551808, 'AutomaticManagedPagefile': False}]},
    'root\\cimv2:Win32_Processor': {'instances': [{'DeviceID': 'CPU0', 'NumberOfCores': 12, 'NumberOfLogicalProcessors': 12, 'MaxClockSpeed': 2800}, {'DeviceID': 'CPU1', 'NumberOfCores': 12, 'NumberOfLogicalProcessors': 12, 'MaxClockSpeed': 2800}]},
    'root\\cimv2:Win32_PhysicalMemory': {'instances': [{'Capacity': 16 * GIB} for _ in range(8)]},
    'root\\cimv2:Win32_NetworkAdapterConfiguration': {'instances': [
        {'SettingID': '{5C1B7D2E-93A4-4E0B-9D55-0A1F3C2B7E11}', 'Description': 'Intel(R) Ethernet Controller E810-XXV for SFP', 'IPEnabled': True},
        {'SettingID': '{8E2F4A90-1B3C-4D5E-8F70-91A2B3C4D5E6}', 'Description': 'Intel(R) Ethernet Controller E810-XXV for SFP #2', 'IPEnabled': True}]},
    'root\\cimv2:Win32_OptionalFeature': {'instances': [{'Name': 'MSMQ-Server', 'InstallState': 2}, {'Name': 'MSMQ-Services', 'InstallState': 2}, {'Name': 'WCF-MSMQ-Activation45', 'InstallState': 2}]},
    'root\\cimv2:Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService': ABSENT,
    'root\\cimv2:Win32_PerfRawData_vmGuestLib_VMMemory': ABSENT,
    'root\\Microsoft\\Windows\\DeviceGuard:Win32_DeviceGuard': {'instances': [{'SecurityServicesRunning': [2], 'SecurityServicesConfigured': [2], 'VirtualizationBasedSecurityStatus': 2}]}})
write(H, 'certificate', {'LocalMachine\\My': {'entries': [
    mail_h, self_h,
    cert('CN=Microsoft Exchange Server Auth Certificate', 'h-auth', '2024-02-11T09:00:00Z', '2029-02-11T09:00:00Z', True),
    cert('CN=WMSvc-SHA2-MBX01', 'h-wmsvc', '2025-05-10T07:55:00Z', '2035-05-08T07:55:00Z', True, ['WMSvc-SHA2-MBX01']),
    cert('CN=Contoso Issuing CA 01, DC=contoso, DC=com', 'h-oldca', '2020-11-01T00:00:00Z', '2025-11-01T00:00:00Z', False, [], 'CN=Contoso Root CA, DC=contoso, DC=com')]}})
write(H, 'xml', xml([('Default Web Site', {'@enabled': 'true', '@max-age': '31536000', '@includeSubDomains': 'false', '@preload': 'false', '@redirectHttpToHttps': 'false'}), ('Exchange Back End', None)],
                    None, RESPONDER_DEFAULT, '2.00:00:00', '0.04:00:00', '0'))
write(H, 'file', files(HB))
write(H, 'directory', [{'root': 'ExchangeInstall', 'path': 'FIP-FS\\Data\\Engines\\amd64\\Microsoft\\Bin', 'answer': {'subdirectories': ['2112330001']}}])
write(H, 'acl', acl())
write(H, 'iisModules', modules(True))
write(H, 'defender', {'status': {'amServiceEnabled': True, 'antivirusEnabled': True, 'realTimeProtectionEnabled': True, 'amRunningMode': 'Normal'},
                      'preferences': {'exclusionPath': [I + '\\' + d for d in EXCL_DIRS] + ['D:\\ExchangeDatabases', 'D:\\ExchangeLogs', 'C:\\inetpub\\temp\\IIS Temporary Compressed Files'],
                                      'exclusionProcess': [I + '\\Bin\\' + p for p in EXCL_PROCS], 'exclusionExtension': []}})
write(H, 'netAdapter', {'adapters': [
    {'name': 'MAPI', 'interfaceDescription': 'Intel(R) Ethernet Controller E810-XXV for SFP', 'interfaceGuid': '{5C1B7D2E-93A4-4E0B-9D55-0A1F3C2B7E11}', 'status': 'Up', 'virtual': False, 'ipEnabled': True,
     'rssEnabled': True, 'receivedDiscarded': 0, 'outboundDiscarded': 0, 'pnpCapabilities': 24, 'tcpAckFrequency': None, 'advanced': {'*RSS': {'displayName': 'Receive Side Scaling', 'value': 'Enabled'}}},
    {'name': 'Replication', 'interfaceDescription': 'Intel(R) Ethernet Controller E810-XXV for SFP #2', 'interfaceGuid': '{8E2F4A90-1B3C-4D5E-8F70-91A2B3C4D5E6}', 'status': 'Up', 'virtual': False, 'ipEnabled': True,
     'rssEnabled': True, 'receivedDiscarded': 0, 'outboundDiscarded': 0, 'pnpCapabilities': 24, 'tcpAckFrequency': None, 'advanced': {'*RSS': {'displayName': 'Receive Side Scaling', 'value': 'Enabled'}}},
    {'name': 'iDRAC', 'interfaceDescription': 'Remote NDIS Compatible Device', 'interfaceGuid': '{0D7A1C33-5E2B-4F19-A6C8-3B9E0F1D2A44}', 'status': 'Up', 'virtual': False, 'ipEnabled': False,
     'rssEnabled': None, 'receivedDiscarded': 0, 'outboundDiscarded': 0, 'pnpCapabilities': None, 'tcpAckFrequency': None, 'advanced': {}}]})
write(H, 'firewallProfile', {'profiles': [{'name': 'Domain', 'enabled': True}, {'name': 'Private', 'enabled': True}, {'name': 'Public', 'enabled': True}]})
write(H, 'tlsCipherSuite', suites(CIPHERS_HARDENED))
write(H, 'pageFile', {'automaticManaged': False, 'settings': [{'name': 'C:\\pagefile.sys', 'initialSize': 32768, 'maximumSize': 32768}]})
write(H, 'volume', {'systemDrive': 'C:', 'volumes': [
    {'name': 'C:\\', 'driveLetter': 'C:', 'fileSystem': 'NTFS', 'blockSize': 4096, 'capacity': 479559385088, 'label': 'System'},
    {'name': 'D:\\', 'driveLetter': 'D:', 'fileSystem': 'ReFS', 'blockSize': 65536, 'capacity': 7999376588800, 'label': 'ExchangeData'}]})

# ---------------------------------------------------------------- default: VMware VM, Server 2019, Exchange 2019 CU14 (as Inventory/examples/default-exchange-2019-mailbox.json, MBX02)
D = 'mbx-default'
DB = '15.2.1544.4'
mail_d = cert('CN=mail.contoso.com', 'd-mail-2026', '2026-01-10T00:00:00Z', '2027-01-15T23:59:59Z', True,
              ['mail.contoso.com', 'autodiscover.contoso.com', 'owa.contoso.com'], 'CN=R11, O=Let\'s Encrypt, C=US')
mail_d_old = cert('CN=mail.contoso.com', 'd-mail-2025', '2025-01-08T00:00:00Z', '2025-12-20T23:59:59Z', True,
                  ['mail.contoso.com', 'autodiscover.contoso.com'], 'CN=R11, O=Let\'s Encrypt, C=US', sig='sha256RSA')
self_d = cert('CN=MBX02', 'd-self', '2023-08-21T14:03:00Z', '2028-08-21T14:03:00Z', True, ['MBX02', 'MBX02.contoso.com'], sig='sha256RSA')
write(D, 'registry', {
    'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup': setup_key(DB),
    'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion': {'CurrentBuildNumber': reg_sz('17763'), 'UBR': reg_dw(6054)},
    'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:443': {'SslCertHash': {'type': 'REG_BINARY', 'data': mail_d['thumbprint'].lower()}, 'SslCertStoreName': reg_sz('MY')},
    'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:444': {'SslCertHash': {'type': 'REG_BINARY', 'data': self_d['thumbprint'].lower()}, 'SslCertStoreName': reg_sz('MY')},
    'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002': {'Functions': {'type': 'REG_MULTI_SZ', 'data': [n for n, _ in CIPHERS_2019_DEFAULT]}},
})
write(D, 'service', {
    'MSExchangeMitigation': {'present': True, 'state': 'Running', 'startMode': 'Auto'},
    'MSExchangePOP3': {'present': True, 'state': 'Stopped', 'startMode': 'Manual'},
    'MSExchangeIMAP4': {'present': True, 'state': 'Stopped', 'startMode': 'Manual'},
    'MSExchangePOP3BE': {'present': True, 'state': 'Stopped', 'startMode': 'Manual'},
    'MSExchangeIMAP4BE': {'present': True, 'state': 'Stopped', 'startMode': 'Manual'},
    'vsepflt': {'present': True, 'state': 'Running', 'startMode': 'Boot'},
    'vnetflt': {'present': True, 'state': 'Running', 'startMode': 'System'}})
write(D, 'cim', {
    'root\\cimv2:Win32_OperatingSystem': {'instances': [{'Version': '10.0.17763', 'BuildNumber': '17763', 'SystemDrive': 'C:', 'Caption': 'Microsoft Windows Server 2019 Standard'}]},
    'root\\cimv2:Win32_ComputerSystem': {'instances': [{'Manufacturer': 'VMware, Inc.', 'Model': 'VMware7,1', 'NumberOfLogicalProcessors': 16, 'NumberOfProcessors': 2, 'TotalPhysicalMemory': 68718940160, 'AutomaticManagedPagefile': True}]},
    'root\\cimv2:Win32_Processor': {'instances': [{'DeviceID': 'CPU0', 'NumberOfCores': 8, 'NumberOfLogicalProcessors': 8, 'MaxClockSpeed': 2394}, {'DeviceID': 'CPU1', 'NumberOfCores': 8, 'NumberOfLogicalProcessors': 8, 'MaxClockSpeed': 2394}]},
    'root\\cimv2:Win32_PhysicalMemory': {'instances': [{'Capacity': 16 * GIB} for _ in range(4)]},
    'root\\cimv2:Win32_NetworkAdapterConfiguration': {'instances': [{'SettingID': '{A3F0C6D1-22B7-4C59-B0E4-6D8E1F2A3B4C}', 'Description': 'vmxnet3 Ethernet Adapter', 'IPEnabled': True}]},
    'root\\cimv2:Win32_OptionalFeature': {'instances': [{'Name': 'MSMQ-Server', 'InstallState': 2}, {'Name': 'MSMQ-Services', 'InstallState': 2}, {'Name': 'WCF-MSMQ-Activation45', 'InstallState': 2}]},
    'root\\cimv2:Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService': ABSENT,
    'root\\cimv2:Win32_PerfRawData_vmGuestLib_VMMemory': {'instances': [{'MemoryReservationinMB': 0}]},
    'root\\Microsoft\\Windows\\DeviceGuard:Win32_DeviceGuard': {'instances': [{'SecurityServicesRunning': [0], 'SecurityServicesConfigured': [0], 'VirtualizationBasedSecurityStatus': 0}]}})
write(D, 'certificate', {'LocalMachine\\My': {'entries': [
    mail_d, mail_d_old, self_d,
    cert('CN=Microsoft Exchange Server Auth Certificate', 'd-auth', '2023-08-21T14:05:00Z', '2028-07-25T14:05:00Z', True),
    cert('CN=WMSvc-SHA2-MBX02', 'd-wmsvc', '2023-08-21T13:40:00Z', '2033-08-18T13:40:00Z', True, ['WMSvc-SHA2-MBX02'])]}})
write(D, 'xml', xml([('Default Web Site', None), ('Exchange Back End', None)], None, RESPONDER_DEFAULT, None, None, '0'))
write(D, 'file', files(DB))
write(D, 'directory', [{'root': 'ExchangeInstall', 'path': 'FIP-FS\\Data\\Engines\\amd64\\Microsoft\\Bin', 'answer': {'subdirectories': ['2112330001']}}])
write(D, 'acl', acl())
write(D, 'iisModules', modules(True))
write(D, 'defender', {'status': {'amServiceEnabled': True, 'antivirusEnabled': True, 'realTimeProtectionEnabled': True, 'amRunningMode': 'Normal'},
                      'preferences': {'exclusionPath': [], 'exclusionProcess': [], 'exclusionExtension': []}})
write(D, 'netAdapter', {'adapters': [
    {'name': 'Ethernet0', 'interfaceDescription': 'vmxnet3 Ethernet Adapter', 'interfaceGuid': '{A3F0C6D1-22B7-4C59-B0E4-6D8E1F2A3B4C}', 'status': 'Up', 'virtual': False, 'ipEnabled': True,
     'rssEnabled': False, 'receivedDiscarded': 5412, 'outboundDiscarded': 0, 'pnpCapabilities': None, 'tcpAckFrequency': None,
     'advanced': {'*RSS': {'displayName': 'Receive Side Scaling', 'value': 'Disabled'}, 'RxRing1Size': {'displayName': 'Rx Ring #1 Size', 'value': '1024'}, 'RxSmallBufferSize': {'displayName': 'Small Rx Buffers', 'value': '1024'}}}]})
write(D, 'firewallProfile', {'profiles': [{'name': 'Domain', 'enabled': True}, {'name': 'Private', 'enabled': True}, {'name': 'Public', 'enabled': True}]})
write(D, 'tlsCipherSuite', suites(CIPHERS_2019_DEFAULT))
write(D, 'pageFile', {'automaticManaged': True, 'settings': []})
write(D, 'volume', {'systemDrive': 'C:', 'volumes': [
    {'name': 'C:\\', 'driveLetter': 'C:', 'fileSystem': 'NTFS', 'blockSize': 4096, 'capacity': 161059893248, 'label': ''},
    {'name': 'D:\\', 'driveLetter': 'D:', 'fileSystem': 'NTFS', 'blockSize': 4096, 'capacity': 1099511627776, 'label': 'Databases'}]})
print('ok')

# ---------------------------------------------------------------- Edge: Hyper-V VM, Server 2022, Exchange SE Edge Transport (as Inventory/lab/edge01.json, EDGE01)
E = 'edge01'
EB = '15.2.2562.37'
smtp_e = cert('CN=smtp.contoso.com, O=Contoso Ltd, C=CH', 'e-smtp-2026', '2026-03-01T00:00:00Z', '2027-03-31T23:59:59Z', True,
              ['smtp.contoso.com'], 'CN=Contoso Public CA G2, O=Contoso Trust, C=CH')
self_e = cert('CN=EDGE01', 'e-self', '2025-04-02T10:00:00Z', '2030-04-02T10:00:00Z', True, ['EDGE01', 'EDGE01.dmz.contoso.com'])
write(E, 'registry', {
    'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup': setup_key(EB),
    'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion': {'CurrentBuildNumber': reg_sz('20348'), 'UBR': reg_dw(2340)},
    'HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002': {'Functions': reg_sz(','.join(n for n, _ in CIPHERS_HARDENED))},
})
write(E, 'service', {
    'MSExchangeMitigation': {'present': False},
    'MSExchangePOP3': {'present': False}, 'MSExchangeIMAP4': {'present': False}, 'MSExchangePOP3BE': {'present': False}, 'MSExchangeIMAP4BE': {'present': False},
    'vsepflt': {'present': False}, 'vnetflt': {'present': False}})
write(E, 'cim', {
    'root\\cimv2:Win32_OperatingSystem': {'instances': [{'Version': '10.0.20348', 'BuildNumber': '20348', 'SystemDrive': 'C:', 'Caption': 'Microsoft Windows Server 2022 Standard'}]},
    'root\\cimv2:Win32_ComputerSystem': {'instances': [{'Manufacturer': 'Microsoft Corporation', 'Model': 'Virtual Machine', 'NumberOfLogicalProcessors': 4, 'NumberOfProcessors': 1, 'TotalPhysicalMemory': 17179332608, 'AutomaticManagedPagefile': True}]},
    'root\\cimv2:Win32_Processor': {'instances': [{'DeviceID': 'CPU0', 'NumberOfCores': 4, 'NumberOfLogicalProcessors': 4, 'MaxClockSpeed': 2095}]},
    'root\\cimv2:Win32_PhysicalMemory': {'instances': [{'Capacity': 16 * GIB}]},
    'root\\cimv2:Win32_NetworkAdapterConfiguration': {'instances': [{'SettingID': '{6B2D9E4F-7A18-4C3B-9E21-5F0A6C7D8E9F}', 'Description': 'Microsoft Hyper-V Network Adapter', 'IPEnabled': True}]},
    'root\\cimv2:Win32_OptionalFeature': {'instances': [{'Name': 'MSMQ-Server', 'InstallState': 2}, {'Name': 'MSMQ-Services', 'InstallState': 2}, {'Name': 'WCF-MSMQ-Activation45', 'InstallState': 2}]},
    'root\\cimv2:Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryIntegrationService': {'instances': [{'Name': '', 'MaximumMemoryMBytes': 16384}]},
    'root\\cimv2:Win32_PerfRawData_vmGuestLib_VMMemory': ABSENT,
    'root\\Microsoft\\Windows\\DeviceGuard:Win32_DeviceGuard': {'instances': [{'SecurityServicesRunning': [0], 'SecurityServicesConfigured': [0], 'VirtualizationBasedSecurityStatus': 0}]}})
write(E, 'certificate', {'LocalMachine\\My': {'entries': [smtp_e, self_e]}})
write(E, 'xml', [
    {'root': 'InetsrvConfig', 'file': 'applicationHost.config', 'select': '/configuration/system.applicationHost/sites/site', 'answer': {'state': 'fileAbsent'}},
    {'root': 'ExchangeInstall', 'file': 'Bin\\EdgeTransport.exe.config', 'select': "/configuration/appSettings/add[@key='NormalPriorityMessageExpirationTimeout']", 'answer': {'matches': []}},
    {'root': 'ExchangeInstall', 'file': 'Bin\\EdgeTransport.exe.config', 'select': "/configuration/appSettings/add[@key='CriticalPriorityMessageExpirationTimeout']", 'answer': {'matches': []}},
    {'root': 'ExchangeInstall', 'file': 'Bin\\EdgeTransport.exe.config', 'select': "/configuration/appSettings/add[@key='TemporaryStoragePath']", 'answer': {'matches': []}},
    {'root': 'ExchangeInstall', 'file': 'Bin\\Monitoring\\Config\\AntiMalware.xml', 'select': '/Definition/MaintenanceDefinition/ExtensionAttributes', 'answer': {'state': 'fileAbsent'}}])
write(E, 'file', [])
write(E, 'directory', [])
write(E, 'acl', acl(domain_joined=False))
write(E, 'iisModules', {'state': 'fileAbsent'})
write(E, 'defender', {'status': {'amServiceEnabled': True, 'antivirusEnabled': True, 'realTimeProtectionEnabled': True, 'amRunningMode': 'Normal'},
                      'preferences': {'exclusionPath': [I + '\\' + d for d in ['TransportRoles\\Data\\Queue', 'TransportRoles\\Data\\SenderReputation', 'TransportRoles\\Data\\Temp', 'TransportRoles\\Logs', 'Logging']],
                                      'exclusionProcess': [I + '\\Bin\\' + p for p in ['EdgeTransport.exe', 'MSExchangeTransport.exe', 'MSExchangeTransportLogSearch.exe']], 'exclusionExtension': []}})
write(E, 'netAdapter', {'adapters': [
    {'name': 'DMZ', 'interfaceDescription': 'Microsoft Hyper-V Network Adapter', 'interfaceGuid': '{6B2D9E4F-7A18-4C3B-9E21-5F0A6C7D8E9F}', 'status': 'Up', 'virtual': False, 'ipEnabled': True,
     'rssEnabled': True, 'receivedDiscarded': 0, 'outboundDiscarded': 0, 'pnpCapabilities': None, 'tcpAckFrequency': None, 'advanced': {'*RSS': {'displayName': 'Receive Side Scaling', 'value': 'Enabled'}}}]})
write(E, 'firewallProfile', {'profiles': [{'name': 'Domain', 'enabled': True}, {'name': 'Private', 'enabled': True}, {'name': 'Public', 'enabled': True}]})
write(E, 'tlsCipherSuite', suites(CIPHERS_HARDENED))
write(E, 'pageFile', {'automaticManaged': True, 'settings': []})
write(E, 'volume', {'systemDrive': 'C:', 'volumes': [{'name': 'C:\\', 'driveLetter': 'C:', 'fileSystem': 'NTFS', 'blockSize': 4096, 'capacity': 136365211648, 'label': ''}]})
print('edge ok')
