package import EDCACore
import EDCAJSON

/// Compares two quantities read from the host, each the sum of a numeric CIM property over a class's instances,
/// optionally in a unit and scaled, e.g. "no more logical processors than cores" (Hyper-Threading off):
///
/// ```json
/// {"compare": {"sumOf": "Win32_ComputerSystem.NumberOfLogicalProcessors"},
///  "atMost": {"sumOf": "Win32_Processor.NumberOfCores"}}
/// ```
///
/// The right side may instead be a fixed number, `{"number": 48}`: "at most 48 cores".
///
/// A class that cannot be read, does not exist, or has no instance with the property, or a value that is not a
/// number, leaves its quantity unknown and the check `Unknown`.
package final class CompareCheck: Sendable {
    /// A sum over instances, in bytes when it has a unit: `ceil(sum × times ÷ divideBy) + plus`, then × unit.
    package struct Quantity: Sendable {
        /// A fixed number instead of a sum (`{"number": 48}`, right side only): the class is then the left side's
        /// and is not looked at.
        package var constant: UInt64? = nil
        /// The class read.
        package var cimClass: CimClass
        /// The numeric property summed, in the allow-list's spelling.
        package var property: String
        /// Bytes per unit (`B` 1, `KB` 1024, `MB` 1024², `GB` 1024³), or nil for a plain number.
        package var unit: (name: String, bytes: UInt64)?
        /// A factor applied to the sum.
        package var times: UInt64
        /// A divisor applied to the sum (rounding up).
        package var divideBy: UInt64
        /// A constant added after scaling, in the quantity's unit.
        package var plus: UInt64
    }

    /// How the left quantity must relate to the right one.
    package enum Relation: String, Sendable, CaseIterable {
        /// Equal, within the tolerance.
        case equals
        /// Greater than or equal.
        case atLeast
        /// Less than or equal.
        case atMost
        /// Strictly greater.
        case greaterThan
        /// Strictly less.
        case lessThan
    }

    /// The units a quantity may name.
    static let units: [(name: String, bytes: UInt64)] = [("B", 1), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30)]

    /// The quantity tested.
    package let left: Quantity
    /// How it must relate to ``right``.
    package let relation: Relation
    /// The quantity it is compared with.
    package let right: Quantity
    /// How far apart the two may be and still be equal, in the left quantity's unit (`equals` only).
    package let tolerance: UInt64

    /// Creates a comparison.
    package init(left: Quantity, relation: Relation, right: Quantity, tolerance: UInt64) {
        self.left = left
        self.relation = relation
        self.right = right
        self.tolerance = tolerance
    }

    /// The reads: the two classes.
    var reads: [FactRead] { [.cim(left.cimClass), .cim(right.cimClass)] }
}

extension CompareCheck.Quantity {
    /// What a host's class says about the quantity: its value (in bytes with a unit) and how many instances were
    /// summed, or why there is none.
    package enum Reading: Sendable {
        /// The value (in bytes with a unit) and the number of instances summed.
        case value(UInt64, instances: Int)
        /// Why there is no value.
        case unreadable(String)
    }

    func read(_ state: CimClassState?) -> Reading {
        if let constant { return .value(constant, instances: 0) }
        let instances: [CimInstance]
        switch state {
        case .instances(let list): instances = list
        case .denied: return .unreadable("cannot be read (access denied)")
        case .absent, nil: return .unreadable("no instance (the class does not exist or was not read)")
        }
        var sum: UInt64 = 0
        var count = 0
        for instance in instances {
            guard let data = instance[property] else { continue }
            guard let number = data.numericValue else { return .unreadable("not a number") }
            let (added, overflow) = sum.addingReportingOverflow(number)
            if overflow { return .unreadable("too large") }
            sum = added
            count += 1
        }
        guard count > 0 else { return .unreadable("no instance has \(property) set") }
        let (scaled, overflow) = sum.multipliedReportingOverflow(by: times)
        let (withUnit, unitOverflow) = (scaled / divideBy + (scaled % divideBy == 0 ? 0 : 1) + plus)
            .multipliedReportingOverflow(by: unit?.bytes ?? 1)
        if overflow || unitOverflow { return .unreadable("too large") }
        return .value(withUnit, instances: count)
    }

    /// The quantity in words: `sum of Win32_Processor.NumberOfCores`, `Win32_PhysicalMemory.Capacity B ÷ 4`.
    var text: String {
        if let constant { return "\(constant)" }
        var words = "\(cimClass.name).\(property)"
        if let unit { words += " (\(unit.name))" }
        if times != 1 { words += " × \(times)" }
        if divideBy != 1 { words += " ÷ \(divideBy)" }
        if plus != 0 { words += " + \(plus)" }
        return words
    }

    /// A value in this quantity's unit, for evidence: `32768 MB`, `48`.
    func render(_ value: UInt64) -> String {
        guard let unit else { return "\(value)" }
        let units = value / unit.bytes
        return value % unit.bytes == 0 ? "\(units) \(unit.name)" : "\(value) B"
    }
}

extension CompareCheck {
    func evaluate(left leftState: CimClassState?, right rightState: CimClassState?, findings: inout [Finding])
        -> NodeOutcome
    {
        let leftReading = left.read(leftState)
        let rightReading = right.read(rightState)
        guard case .value(let leftValue, _) = leftReading, case .value(let rightValue, _) = rightReading else {
            findings.append(.comparison(self, left: leftReading, right: rightReading, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        let slack = tolerance.multipliedReportingOverflow(by: left.unit?.bytes ?? 1).partialValue
        let holds =
            switch relation {
            case .equals: max(leftValue, rightValue) - min(leftValue, rightValue) <= slack
            case .atLeast: leftValue >= rightValue
            case .atMost: leftValue <= rightValue
            case .greaterThan: leftValue > rightValue
            case .lessThan: leftValue < rightValue
            }
        let status: Status = holds ? .pass : .fail
        findings.append(.comparison(self, left: leftReading, right: rightReading, status))
        return NodeOutcome(status: status, nothingSet: false)
    }

    /// The evidence of one comparison.
    func evidence(left leftReading: Quantity.Reading, right rightReading: Quantity.Reading, _ status: Status)
        -> Evidence
    {
        func shown(_ reading: Quantity.Reading, _ quantity: Quantity) -> String {
            // Both sides with units show in the left side's unit, so that they read side by side.
            let unitOf = left.unit != nil && quantity.unit != nil ? left : quantity
            switch reading {
            case .value(_, 0):
                return ""  // a fixed number: its text says it
            case .value(let value, let count):
                return " = \(unitOf.render(value)) (\(count == 1 ? "1 instance" : "sum of \(count) instances"))"
            case .unreadable(let why): return ": \(why)"
            }
        }
        let relationText =
            switch relation {
            case .equals: tolerance == 0 ? "equal to" : "within \(tolerance) of"
            case .atLeast: "at least"
            case .atMost: "at most"
            case .greaterThan: "greater than"
            case .lessThan: "less than"
            }
        var value: FactValue?
        if case .value(let number, _) = leftReading { value = .count(number) }
        let undecided: Bool =
            if case .value = leftReading, case .value = rightReading { false } else { true }
        return Evidence(
            subject: .cimProperty(className: left.cimClass.name, instance: nil, property: left.property),
            value: value, observed: shown(leftReading, left),
            observation: undecided ? "not set" : "set",
            required: [
                "required: \(relationText) \(right.text)\(shown(rightReading, right))"
                    + (undecided ? "; cannot be compared, so Unknown" : "")
            ], result: status)
    }
}

extension Check {
    /// Decodes `{"compare": QUANTITY, RELATION: QUANTITY | {"number": N}, "within": N}`, where a quantity is `{"sumOf":
    /// "CLASS.PROPERTY", "unit": "B" | "KB" | "MB" | "GB", "times": N, "divideBy": N, "plus": N}`.
    static func decodeCompare(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> Check? {
        let left = reader.take("compare").flatMap {
            decodeQuantity($0, path: reader.path(of: "compare"), problems: &problems)
        }
        let relations = CompareCheck.Relation.allCases.filter { reader.has($0.rawValue) }
        guard relations.count == 1, let relation = relations.first else {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "'compare' needs exactly one of "
                        + CompareCheck.Relation.allCases.map(\.rawValue).joined(separator: ", ")))
            return nil
        }
        let right = reader.take(relation.rawValue).flatMap { json -> CompareCheck.Quantity? in
            let path = reader.path(of: relation.rawValue)
            guard case .object(let members) = json.kind, let number = members.first(where: { $0.name == "number" })
            else { return decodeQuantity(json, path: path, problems: &problems) }
            guard members.count == 1, case .number(let value) = number.value.kind, let constant = value.unsignedValue
            else {
                problems.append(JSONRead.mismatch(json, path, expected: "{\"number\": N}, a non-negative integer"))
                return nil
            }
            return left.map {
                CompareCheck.Quantity(
                    constant: constant, cimClass: $0.cimClass, property: $0.property,
                    unit: nil, times: 1, divideBy: 1, plus: 0)
            }
        }
        var tolerance: UInt64 = 0
        if let json = reader.take("within") {
            if relation != .equals {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "within"),
                        message: "'within' is a tolerance for 'equals' only"))
            }
            guard case .number(let number) = json.kind, let value = number.unsignedValue else {
                problems.append(
                    JSONRead.mismatch(json, reader.path(of: "within"), expected: "a non-negative integer"))
                return nil
            }
            tolerance = value
        }
        guard let left, let right else { return nil }
        return .compare(CompareCheck(left: left, relation: relation, right: right, tolerance: tolerance))
    }

    private static func decodeQuantity(
        _ json: JSONValue, path: String, problems: inout [DecodingProblem]
    ) -> CompareCheck.Quantity? {
        guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
        defer {
            reader.reportUnknownFields(knownNames: ["sumOf", "unit", "times", "divideBy", "plus"], problems: &problems)
        }
        var quantity: CompareCheck.Quantity?
        if let json = reader.require("sumOf", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "sumOf"), &problems)
        {
            let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, let cimClass = CimClass.named(parts[0]), let property = cimClass.property(parts[1]) {
                quantity = CompareCheck.Quantity(
                    cimClass: cimClass, property: property, unit: nil, times: 1, divideBy: 1, plus: 0)
            } else {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "sumOf"),
                        message: "expected CLASS.PROPERTY of the CIM allow-list (README, \"The check language\"), "
                            + "found \"\(text)\""))
            }
        }
        if let json = reader.take("unit"), let text = JSONRead.string(json, reader.path(of: "unit"), &problems) {
            if let unit = CompareCheck.units.first(where: { $0.name == text }) {
                quantity?.unit = unit
            } else {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "unit"),
                        message: "expected one of B, KB, MB, GB, found \"\(text)\""))
                quantity = nil
            }
        }
        for (name, minimum) in [("times", UInt64(1)), ("divideBy", 1), ("plus", 0)] {
            guard let json = reader.take(name) else { continue }
            guard case .number(let number) = json.kind, let value = number.unsignedValue, value >= minimum,
                value <= 1 << 32
            else {
                problems.append(
                    JSONRead.mismatch(
                        json, reader.path(of: name), expected: "an integer from \(minimum) to 4294967296"))
                quantity = nil
                continue
            }
            switch name {
            case "times": quantity?.times = value
            case "divideBy": quantity?.divideBy = value
            default: quantity?.plus = value
            }
        }
        return quantity
    }
}
