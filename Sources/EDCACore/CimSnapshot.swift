package import EDCAJSON

/// One CIM class the probe may read, with the only properties it returns and an optional fixed filter. Controls
/// name a class and a property from this list; the probe never runs a query taken from a control.
package struct CimClass: Sendable, Hashable {
    /// The WMI namespace, such as `root\cimv2`.
    package var namespace: String
    /// The class name, such as `Win32_ComputerSystem`.
    package var name: String
    /// The properties read from each instance.
    package var properties: [String]
    /// The property that names an instance in evidence (e.g. `DeviceID`), if any.
    package var keyProperty: String?
    /// A fixed filter: when set, only instances whose property is one of the values are read (the probe's query).
    package var filter: (property: String, values: [String])?
    /// Where the probe reads the class from, when not the default (the firewall's effective policy: `ActiveStore`).
    package var policyStore: String?

    /// The address a probe request carries: `namespace:class`.
    package var address: String { namespace + ":" + name }

    /// The allow-list (`docs/probe-protocol.md` §3): the classes and properties the controls of issue 16 need.
    package static let allowed: [CimClass] = [
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_OperatingSystem",
            properties: ["Version", "BuildNumber", "SystemDrive", "Caption"]),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_ComputerSystem",
            properties: [
                "Manufacturer", "Model", "NumberOfLogicalProcessors", "NumberOfProcessors", "TotalPhysicalMemory",
                "AutomaticManagedPagefile",
            ]),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_Processor",
            properties: ["DeviceID", "NumberOfCores", "NumberOfLogicalProcessors", "MaxClockSpeed"],
            keyProperty: "DeviceID"),
        CimClass(namespace: #"root\cimv2"#, name: "Win32_PhysicalMemory", properties: ["Capacity"]),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_PageFileSetting",
            properties: ["Name", "InitialSize", "MaximumSize"], keyProperty: "Name"),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_OptionalFeature", properties: ["Name", "InstallState"],
            keyProperty: "Name", filter: ("Name", ["MSMQ-Server", "MSMQ-Services", "WCF-MSMQ-Activation45"])),
        // Every local disk volume (DriveType 3): `Name` is its mount point (`D:\`, `C:\ExchangeVolumes\DB01\`), the
        // key by which a lookup finds the volume that holds a path; `BootVolume` marks the Windows volume.
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_Volume",
            properties: ["Name", "DeviceID", "DriveLetter", "FileSystem", "BlockSize", "BootVolume"],
            keyProperty: "Name", filter: ("DriveType", ["3"])),
        // BitLocker's view of each volume (administrators only; the namespace is absent without the feature).
        CimClass(
            namespace: #"root\cimv2\Security\MicrosoftVolumeEncryption"#, name: "Win32_EncryptableVolume",
            properties: ["DeviceID", "DriveLetter", "ProtectionStatus"], keyProperty: "DeviceID"),
        CimClass(
            namespace: #"root\StandardCimv2"#, name: "MSFT_NetFirewallProfile", properties: ["Name", "Enabled"],
            keyProperty: "Name", policyStore: "ActiveStore"),
        CimClass(
            namespace: #"root\StandardCimv2"#, name: "MSFT_NetAdapterRssSettingData",
            properties: ["Name", "InterfaceDescription", "Enabled"], keyProperty: "Name"),
        CimClass(
            namespace: #"root\StandardCimv2"#, name: "MSFT_NetAdapterStatisticsSettingData",
            properties: ["Name", "InterfaceDescription", "ReceivedDiscardedPackets", "OutboundDiscardedPackets"],
            keyProperty: "Name"),
        CimClass(
            namespace: #"root\StandardCimv2"#, name: "MSFT_NetAdapterPowerManagementSettingData",
            properties: ["Name", "InterfaceDescription", "AllowComputerToTurnOffDevice"], keyProperty: "Name"),
        // Performance counters through their WMI classes, whose names do not depend on the display language.
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_PerfRawData_Counters_HyperVDynamicMemoryIntegrationService",
            properties: ["MaximumMemoryMbytes"]),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_PerfRawData_vmGuestLib_VMem", properties: ["MemReservationMB"]),
        // Settings in force that shipped registry controls fall back on when the registry is silent.
        CimClass(
            namespace: #"root\Microsoft\Windows\SMB"#, name: "MSFT_SmbServerConfiguration",
            properties: ["EnableSMB1Protocol"]),
        CimClass(
            namespace: #"root\cimv2"#, name: "Win32_NetworkAdapterConfiguration",
            properties: ["Description", "TcpipNetbiosOptions"], keyProperty: "Description",
            filter: ("IPEnabled", ["True"])),
        CimClass(
            namespace: #"root\cimv2\TerminalServices"#, name: "Win32_TSGeneralSetting",
            properties: ["TerminalName", "UserAuthenticationRequired"], keyProperty: "TerminalName"),
        CimClass(
            namespace: #"root\cimv2\power"#, name: "Win32_PowerPlan", properties: ["InstanceID", "ElementName"],
            keyProperty: "ElementName", filter: ("IsActive", ["True"])),
        CimClass(
            namespace: #"root\Microsoft\Windows\Defender"#, name: "MSFT_MpComputerStatus",
            properties: ["AMServiceEnabled", "AntivirusEnabled", "RealTimeProtectionEnabled", "AMRunningMode"]),
        // Defender's exclusions (Get-MpPreference's class). A non-administrator reads a placeholder text instead of
        // each list ("N/A: Must be an administrator to view exclusions"); the folderListedIn leaf reads that as
        // unreadable, never as "no exclusion".
        CimClass(
            namespace: #"root\Microsoft\Windows\Defender"#, name: "MSFT_MpPreference",
            properties: ["ExclusionPath", "ExclusionProcess", "ExclusionExtension"]),
        CimClass(
            namespace: #"root\Microsoft\Windows\DeviceGuard"#, name: "Win32_DeviceGuard",
            properties: ["SecurityServicesRunning", "SecurityServicesConfigured", "VirtualizationBasedSecurityStatus"]),
    ]

    /// Creates an allow-list entry.
    init(
        namespace: String, name: String, properties: [String], keyProperty: String? = nil,
        filter: (property: String, values: [String])? = nil, policyStore: String? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.properties = properties
        self.keyProperty = keyProperty
        self.filter = filter
        self.policyStore = policyStore
    }

    package static func == (lhs: CimClass, rhs: CimClass) -> Bool { lhs.address == rhs.address }

    package func hash(into hasher: inout Hasher) { hasher.combine(address) }

    /// The allow-listed class of this name (ignoring case), or of this `namespace:class` address.
    package static func named(_ text: String) -> CimClass? {
        let folded = text.lowercased()
        return allowed.first { $0.name.lowercased() == folded || $0.address.lowercased() == folded }
    }

    /// The property of this class spelled as given (ignoring case), in the allow-list's spelling.
    package func property(_ text: String) -> String? {
        properties.first { $0.lowercased() == text.lowercased() }
    }
}

/// One CIM instance: its allow-listed properties as registry-like data (a string, a number as `REG_DWORD` or
/// `REG_QWORD`, a boolean as 1 or 0, an array as a `REG_MULTI_SZ` of texts); a property that is null is left out.
package typealias CimInstance = FactRecord

/// What a host says about one CIM class.
package enum CimClassState: Sendable, Hashable {
    /// The instances read (possibly none).
    case instances([CimInstance])
    /// The class or namespace does not exist on this host.
    case absent
    /// The class cannot be read by the probe's account.
    case denied
}

/// The CIM classes read on a host, by `namespace:class` address. A class a snapshot does not list was not read.
package struct CimSnapshot: Sendable {
    private var classes: [String: (address: String, state: CimClassState)] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no class was recorded.
    package var isEmpty: Bool { classes.isEmpty }

    /// Records what the host says about one class.
    package mutating func set(_ cimClass: CimClass, _ state: CimClassState) {
        classes[cimClass.address.lowercased()] = (cimClass.address, state)
    }

    /// What the snapshot says about a class, or nil when it was not read.
    package func state(of cimClass: CimClass) -> CimClassState? {
        classes[cimClass.address.lowercased()]?.state
    }

    /// Decodes the `cim` member of a snapshot: `{"root\\cimv2:Win32_ComputerSystem": [{"Model": "..."}]}`, with
    /// `"absent"` for a class that does not exist and `null` for one that cannot be read.
    ///
    /// - Throws: ``SnapshotError`` listing every class or property outside the allow-list and every malformed value.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        guard case .object(let members) = document.kind else {
            throw SnapshotError(problems: [
                JSONRead.mismatch(document, "cim", expected: "an object whose members are namespace:class addresses")
            ])
        }
        var snapshot = CimSnapshot()
        for member in members {
            let field = "cim.\(member.name)"
            guard let cimClass = CimClass.named(member.name), member.name.contains(":") else {
                problems.append(
                    DecodingProblem(
                        position: member.namePosition, field: field,
                        message: "not an allow-listed class address; expected one of "
                            + CimClass.allowed.map(\.address).joined(separator: ", ")))
                continue
            }
            if let state = Self.decodeState(member.value, of: cimClass, field: field, problems: &problems) {
                snapshot.set(cimClass, state)
            }
        }
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self = snapshot
    }

    /// Decodes one class: an array of instances, `"absent"`, or `null` (unreadable).
    package static func decodeState(
        _ value: JSONValue, of cimClass: CimClass, field: String, problems: inout [DecodingProblem]
    ) -> CimClassState? {
        let decoded = ListedFact.decode(
            value, field: field, expected: "an array of instances, \"absent\", or null when unreadable",
            problems: &problems
        ) { items, problems in
            FactRecords.decode(
                items, field: field, owner: cimClass.name, properties: cimClass.properties, named: cimClass.property,
                problems: &problems)
        }
        return switch decoded {
        case .entries(let instances): .instances(instances)
        case .absent: .absent
        case .denied: .denied
        case nil: nil
        }
    }

    /// The snapshot as the `cim` member, sorted by address.
    package func jsonDocument() -> JSONOutput {
        .object(
            classes.sorted { $0.key < $1.key }.map { _, entry in
                let value: JSONOutput =
                    switch entry.state {
                    case .instances(let instances):
                        .array(
                            instances.map { instance in
                                .object(instance.sorted { $0.key < $1.key }.map { ($0.key, Self.output($0.value)) })
                            })
                    case .absent: .string("absent")
                    case .denied: .null
                    }
                return (entry.address, value)
            })
    }

    private static func output(_ data: RegistryData) -> JSONOutput {
        switch data {
        case .dword(let number): .unsigned(UInt64(number))
        case .qword(let number): .unsigned(number)
        case .string(let text), .expandString(let text): .string(text)
        case .multiString(let texts): .array(texts.map(JSONOutput.string))
        case .binary, .none: .null
        }
    }
}
