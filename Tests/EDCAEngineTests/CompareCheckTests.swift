import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `compare` leaf: sums over CIM instances compared with each other, with units, scaling and a tolerance.
@Suite struct CompareCheckTests {
    static let hyperThreading =
        #"{"compare": {"sumOf": "Win32_ComputerSystem.NumberOfLogicalProcessors"}, "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}}"#
    static let system = #"root\\cimv2:Win32_ComputerSystem"#
    static let processor = #"root\\cimv2:Win32_Processor"#
    static let pageFile = #"root\\cimv2:Win32_PageFileSetting"#

    private func verdict(_ check: String, cim: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "cim": \#(cim)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    private func processors(logical: Int, cores: [Int]) -> String {
        let sockets = cores.enumerated().map { #"{"DeviceID": "CPU\#($0.offset)", "NumberOfCores": \#($0.element)}"# }
        return
            #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": \#(logical)}], "\#(Self.processor)": [\#(sockets.joined(separator: ", "))]}"#
    }

    @Test func sumsAreComparedAndTheEvidenceShowsBoth() throws {
        #expect(try verdict(Self.hyperThreading, cim: processors(logical: 24, cores: [12, 12])).status == .pass)
        let on = try verdict(Self.hyperThreading, cim: processors(logical: 48, cores: [12, 12]))
        #expect(on.status == .fail)
        #expect(
            on.evidenceLines.contains {
                $0.contains("NumberOfLogicalProcessors = 48 (1 instance)")
                    && $0.contains("at most Win32_Processor.NumberOfCores = 24 (sum of 2 instances)")
            })
    }

    @Test func aFixedNumberOnTheRightIsALimit() throws {
        let limit =
            #"{"compare": {"sumOf": "Win32_Processor.NumberOfCores"}, "atMost": {"number": 48}}"#
        #expect(try verdict(limit, cim: processors(logical: 48, cores: [24, 24])).status == .pass)
        let over = try verdict(limit, cim: processors(logical: 64, cores: [32, 32]))
        #expect(over.status == .fail)
        #expect(
            over.evidenceLines.contains {
                $0.contains("NumberOfCores = 64 (sum of 2 instances)") && $0.hasSuffix("required: at most 48")
            }, "\(over.evidenceLines)")
        let denied = try verdict(
            limit, cim: #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": 24}], "\#(Self.processor)": null}"#)
        #expect(denied.status == .unknown)
        for bad in [#"{"number": -1}"#, #"{"number": 48, "unit": "MB"}"#, #"{"number": "48"}"#] {
            let check = #"{"compare": {"sumOf": "Win32_Processor.NumberOfCores"}, "atMost": \#(bad)}"#
            let problems = controlProblems(ControlDocument(check: check).text)
            #expect(problems.contains { $0.field == "check.atMost" }, "\(bad): \(problems.map(\.description))")
        }
    }

    @Test func anUnreadableOrEmptySideIsUnknown() throws {
        let denied = try verdict(
            Self.hyperThreading,
            cim: #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": 24}], "\#(Self.processor)": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("cannot be read (access denied)") })
        let empty = try verdict(
            Self.hyperThreading,
            cim: #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": 24}], "\#(Self.processor)": []}"#)
        #expect(empty.status == .unknown)
    }

    @Test func unitsScalingAndToleranceCompareSizes() throws {
        // A page file of a quarter of the memory, in MB against bytes, within 10 MB.
        let check =
            #"{"compare": {"sumOf": "Win32_PageFileSetting.InitialSize", "unit": "MB"}, "equals": {"sumOf": "Win32_ComputerSystem.TotalPhysicalMemory", "unit": "B", "divideBy": 4}, "within": 10}"#
        let memory = #""\#(Self.system)": [{"TotalPhysicalMemory": 137438953472}]"#
        #expect(
            try verdict(check, cim: #"{\#(memory), "\#(Self.pageFile)": [{"InitialSize": 32768}]}"#).status == .pass)
        #expect(
            try verdict(check, cim: #"{\#(memory), "\#(Self.pageFile)": [{"InitialSize": 32760}]}"#).status == .pass)
        let small = try verdict(check, cim: #"{\#(memory), "\#(Self.pageFile)": [{"InitialSize": 16384}]}"#)
        #expect(small.status == .fail)
        #expect(small.evidenceLines.contains { $0.contains("= 16384 MB") && $0.contains("within 10 of") })
    }

    @Test(arguments: [
        (
            #"{"compare": {"sumOf": "Win32_Processor.Cores"}, "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}}"#,
            "compare.sumOf"
        ),
        (#"{"compare": {"sumOf": "Win32_Processor.NumberOfCores"}}"#, ""),
        (
            #"{"compare": {"sumOf": "Win32_Processor.NumberOfCores"}, "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}, "within": 2}"#,
            "within"
        ),
        (
            #"{"compare": {"sumOf": "Win32_Processor.NumberOfCores", "unit": "TB"}, "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}}"#,
            "compare.unit"
        ),
        (
            #"{"compare": {"sumOf": "Win32_Processor.NumberOfCores", "divideBy": 0}, "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}}"#,
            "compare.divideBy"
        ),
    ])
    func loadErrorsNameTheField(check: String, field: String) {
        let problems = controlProblems(ControlDocument(check: check).text)
        let path = field.isEmpty ? "check" : "check.\(field)"
        #expect(problems.contains { $0.field == path }, "\(problems.map(\.description))")
    }
}
