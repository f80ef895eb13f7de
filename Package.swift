// swift-tools-version:6.1
import PackageDescription

/// Swift upgrades applied to every target, so the whole package reads the same way.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "edca-agent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edca-agent", targets: ["edca-agent"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Pure: our JSON reader (every value with its line and column, for located errors) and writer. No Foundation.
        .target(name: "EDCAJSON", swiftSettings: strictSettings),
        // Pure: the nouns every target shares: role, status, control metadata, fact addresses and values (the
        // registry today), the host snapshot and its file format, evidence.
        .target(name: "EDCACore", dependencies: ["EDCAJSON"], swiftSettings: strictSettings),
        // Pure: control format, check language, evaluation into verdicts with evidence. No I/O, no Foundation.
        .target(name: "EDCAEngine", dependencies: ["EDCACore", "EDCAJSON"], swiftSettings: strictSettings),
        // libssh's C API, from Debian's libssh-dev. Only EDCATransport imports it.
        .systemLibrary(name: "CLibSSH", pkgConfig: "libssh", providers: [.apt(["libssh-dev"])]),
        // MIT Kerberos and its GSSAPI (Debian's libkrb5-dev; headers in /usr/include, no pkg-config: its -isystem flags
        // are refused by SwiftPM), for Kerberos logons. Only EDCATransport imports it.
        .systemLibrary(name: "CKrb5", providers: [.apt(["libkrb5-dev"])]),
        // SSH transport: one command per host over libssh, strict host keys, deadlines, on dedicated threads.
        .target(name: "EDCATransport", dependencies: ["CLibSSH", "CKrb5"], swiftSettings: strictSettings),
        // Pure: the PowerShell probe (command line, bootstrap, script), its request and its response parser.
        .target(
            name: "EDCAProbe",
            dependencies: ["EDCACore", "EDCAJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings),
        // A test double, kept out of Sources/: a simulated Windows host for tests and the demo lab: answers the probe from a registry snapshot, as
        // Win32-OpenSSH and powershell.exe would, when an sshd runs it as its ForceCommand.
        .executableTarget(
            name: "edca-lab-host",
            dependencies: ["EDCACore", "EDCAJSON", .product(name: "Crypto", package: "swift-crypto")],
            path: "Lab/edca-lab-host",
            swiftSettings: strictSettings),
        // Reads Inventory/ files (YAML) into typed hosts; reports every bad entry with file, line and field.
        .target(
            name: "EDCAInventory", dependencies: ["EDCACore", "EDCAJSON", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings),
        // The spool a SIEM ingests: one append-only NDJSON file of OCSF events, rotated per run; drift state.
        .target(name: "EDCASpool", dependencies: ["EDCACore", "EDCAJSON"], swiftSettings: strictSettings),
        // Pure: a run's spool events to the HTML report's model and data, and to the remediation script.
        .target(
            name: "EDCAReport", dependencies: ["EDCACore", "EDCAJSON"], swiftSettings: strictSettings),
        // The edge around the engine: the scan session (lock, spool, SSH client, retries, progress), reads control
        // directories and snapshot files, renders reports. Re-exports the nouns the command line names.
        .target(
            name: "EDCAAgent",
            dependencies: [
                "EDCACore", "EDCAJSON", "EDCAEngine", "EDCAInventory", "EDCAProbe", "EDCAReport", "EDCASpool",
                "EDCATransport",
            ],
            swiftSettings: strictSettings
        ),
        // The command line, thin: parses arguments, calls EDCAAgent, renders its output and maps exit codes.
        .executableTarget(
            name: "edca-agent",
            dependencies: [
                "EDCAAgent", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Engine throughput benchmark (not a test): `swift run -c release edca-engine-benchmark`.
        .executableTarget(
            name: "edca-engine-benchmark",
            dependencies: ["EDCACore", "EDCAJSON", "EDCAEngine", "EDCAAgent"],
            path: "Benchmarks/EngineBenchmark",
            swiftSettings: strictSettings
        ),
        // JSON reader benchmark (not a test): ours against Foundation's on the control and snapshot corpus, and the
        // errors each gives for bad files; docs/architecture.md records its figures.
        .executableTarget(
            name: "edca-json-benchmark", dependencies: ["EDCACore", "EDCAJSON", "EDCAEngine"],
            path: "Benchmarks/JSONBenchmark", swiftSettings: strictSettings),
        // Spool write throughput benchmark (not a test), run by Benchmarks/run.
        .executableTarget(
            name: "edca-spool-benchmark",
            dependencies: ["EDCAAgent", "EDCACore", "EDCAJSON", "EDCAEngine", "EDCASpool"],
            path: "Benchmarks/SpoolBenchmark",
            swiftSettings: strictSettings
        ),
        // Report generation and page load benchmark (not a test): `swift run -c release edca-report-benchmark`.
        .executableTarget(
            name: "edca-report-benchmark",
            dependencies: [
                "EDCAAgent", "EDCACore", "EDCAJSON", "EDCAEngine", "EDCAReport", "EDCASpool", "EDCATestSupport",
            ],
            path: "Benchmarks/ReportBenchmark",
            swiftSettings: strictSettings
        ),
        // Fuzzing (`scripts/fuzz`): one executable per parser; libFuzzer drives them when built with
        // `-sanitize=fuzzer,address -DFUZZING`, and a normal build replays the inputs given as arguments.
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(
            name: "EDCAFuzzing",
            dependencies: ["CLibFuzzer", "EDCACore", "EDCAJSON", "EDCAEngine", "EDCAInventory", "EDCAProbe"],
            path: "Fuzz/EDCAFuzzing", swiftSettings: strictSettings),
        .executableTarget(
            name: "fuzz-probe-response", dependencies: ["EDCAFuzzing"], path: "Fuzz/Targets/probe-response",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "fuzz-clixml", dependencies: ["EDCAFuzzing"], path: "Fuzz/Targets/clixml",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "fuzz-control", dependencies: ["EDCAFuzzing"], path: "Fuzz/Targets/control",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "fuzz-inventory", dependencies: ["EDCAFuzzing"], path: "Fuzz/Targets/inventory",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "fuzz-snapshot", dependencies: ["EDCAFuzzing"], path: "Fuzz/Targets/snapshot",
            swiftSettings: strictSettings),
        // Test support shared by test targets: a private OpenSSH sshd on loopback.
        .target(name: "EDCATestSupport", path: "Tests/EDCATestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "EDCAEngineTests", dependencies: ["EDCACore", "EDCAJSON", "EDCAEngine"], swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EDCAReportTests",
            dependencies: [
                "EDCAReport", "EDCAAgent", "EDCACore", "EDCAJSON", "EDCAEngine", "EDCASpool", "EDCATestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EDCAProbeTests", dependencies: ["EDCAProbe", "EDCACore", "EDCAJSON", "EDCAEngine"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EDCAInventoryTests", dependencies: ["EDCAInventory", "EDCACore"], swiftSettings: strictSettings),
        .testTarget(
            name: "EDCASpoolTests", dependencies: ["EDCASpool", "EDCACore", "EDCAJSON", "EDCAEngine"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EDCALabHostTests", dependencies: ["edca-lab-host", "EDCACore", "EDCAJSON"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EDCATransportTests", dependencies: ["EDCATransport", "EDCATestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EDCAAgentTests",
            dependencies: [
                "EDCAAgent", "EDCACore", "EDCAJSON", "EDCAEngine", "EDCAProbe", "EDCASpool", "EDCATransport",
                "EDCATestSupport",
                "edca-lab-host",
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests", dependencies: ["edca-agent", "edca-lab-host", "EDCATestSupport"],
            swiftSettings: strictSettings),
    ]
)
