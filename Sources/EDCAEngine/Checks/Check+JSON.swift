import EDCACore
import EDCAJSON

extension Check {
    /// The comparison operators a check may use, in the order evidence lists them.
    static let comparisonNames = [
        "equals", "oneOf", "atLeast", "atMost", "greaterThan", "lessThan", "between", "equalsIgnoringCase", "matches",
        "contains", "emptyList", "itemsAtLeast", "sameAsProperty", "lessThanProperty", "notHostOfProperty", "bitsSet",
        "bitsClear",
        "versionAtLeast", "startsWith", "containsText",
        "dateBefore", "dateAfter",
    ]
    /// Every field name the check language knows, for "did you mean" suggestions.
    static let fieldNames =
        [
            "all", "any", "none", "key", "value", "subkeysOf", "require", "present", "cases", "otherwise", "status",
            "note",
        ]
        + ["default", "whenAbsent", "whenNoneFound", "whenNoneApplies", "applicableIf", "subkeyCountOf", "role"]
        + ["orVersionFrom", "service", "field", "cim", "property", "cimCountOf", "certificates", "where"]
        + ["compare", "within", "whenDenied"] + exchangeFieldNames + XmlCheck.fieldNames + FolderCheck.fieldNames
        + AclCheck.fieldNames + PathListCheck.fieldNames + CipherSuiteCheck.fieldNames + LookupCheck.fieldNames
        + comparisonNames
    private static let nodeKinds = [
        "all", "any", "none", "key", "subkeysOf", "subkeyCountOf", "role", "service", "cim", "cimCountOf",
        "certificates", "compare", "exchange", "exchangeCountOf", "xml", "subfoldersOf", "aclOf", "folderListedIn",
        "pathsListedIn", "cipherSuites", "lookup",
    ]

    /// Decodes a check node, reporting every problem found (with its field path) instead of stopping at the first.
    static func decode(
        _ json: JSONValue, path: String, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
        defer { reader.reportUnknownFields(knownNames: fieldNames, problems: &problems) }
        var gate: Check?
        var gateFailed = false
        if let gateJSON = reader.take("applicableIf") {
            gate = decode(gateJSON, path: reader.path(of: "applicableIf"), catalogs: catalogs, problems: &problems)
            gateFailed = gate == nil
        }
        let kinds = nodeKinds.filter(reader.has)
        guard kinds.count == 1, let kind = kinds.first else {
            let message =
                kinds.isEmpty
                ? "a check must read something: expected one of \(nodeKinds.joined(separator: ", "))"
                : "a check node is one of \(nodeKinds.joined(separator: ", ")); found \(kinds.joined(separator: " and "))"
            problems.append(DecodingProblem(position: json.position, field: path, message: message))
            return nil
        }
        let body: Check?
        switch kind {
        case "all", "any", "none":
            body = decodeGroup(&reader, kind: kind, catalogs: catalogs, problems: &problems)
        case "subkeysOf":
            body = decodeSubkeys(&reader, catalogs: catalogs, problems: &problems)
        case "subkeyCountOf":
            body = decodeSubkeyCount(&reader, catalogs: catalogs, problems: &problems)
        case "role":
            body = decodeRole(&reader, problems: &problems)
        case "service":
            body = decodeService(&reader, catalogs: catalogs, problems: &problems)
        case "cim":
            body = decodeCim(&reader, catalogs: catalogs, problems: &problems)
        case "certificates":
            body = decodeCertificates(&reader, catalogs: catalogs, problems: &problems)
        case "compare":
            body = decodeCompare(&reader, problems: &problems)
        case "xml":
            body = decodeXml(&reader, catalogs: catalogs, problems: &problems)
        case "subfoldersOf":
            body = decodeFolder(&reader, catalogs: catalogs, problems: &problems)
        case "aclOf":
            body = decodeAcl(&reader, problems: &problems)
        case "folderListedIn", "pathsListedIn":
            body = decodePathList(&reader, kind: kind, problems: &problems)
        case "cipherSuites":
            body = decodeCipherSuites(&reader, problems: &problems)
        case "cimCountOf":
            let cimClass = decodeCimClass(&reader, "cimCountOf", problems: &problems)
            let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
            guard let cimClass, let rule else { return nil }
            body = .cimCount(CimCountCheck(cimClass: cimClass, rule: rule))
        case "exchange":
            body = decodeExchange(&reader, catalogs: catalogs, problems: &problems)
        case "exchangeCountOf":
            body = decodeExchangeCount(&reader, catalogs: catalogs, problems: &problems)
        case "lookup":
            body = decodeLookup(&reader, catalogs: catalogs, problems: &problems)
        default:
            body = decodeKeyOrValue(&reader, catalogs: catalogs, problems: &problems)
        }
        guard let body, !gateFailed else { return nil }
        if let gate { return .gated(gate: gate, body: body) }
        return body
    }

    private static func decodeGroup(
        _ reader: inout JSONObjectReader, kind: String, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> Check? {
        guard let combinator = CheckGroup.Combinator(rawValue: kind), let listJSON = reader.take(kind) else {
            return nil
        }
        let whenAllAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        let whenNoneApplies = decodeStatus(&reader, "whenNoneApplies", problems: &problems)
        guard let items = JSONRead.array(listJSON, reader.path(of: kind), &problems) else { return nil }
        if items.isEmpty {
            problems.append(
                DecodingProblem(
                    position: listJSON.position, field: reader.path(of: kind),
                    message: "an empty '\(kind)' reads nothing: list at least one check"))
            return nil
        }
        var members: [Check] = []
        for (index, item) in items.enumerated() {
            if let member = decode(
                item, path: "\(reader.path(of: kind))[\(index)]", catalogs: catalogs, problems: &problems)
            {
                members.append(member)
            }
        }
        guard members.count == items.count, whenAllAbsent.isValid, whenNoneApplies.isValid else { return nil }
        return .group(
            CheckGroup(
                combinator: combinator, members: members, whenAllAbsent: whenAllAbsent.value,
                whenNoneApplies: whenNoneApplies.value))
    }

    private static func decodeKeyOrValue(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let key = decodePath(&reader, "key", problems: &problems)
        guard reader.has("value") else {
            return decodeKeyExistence(&reader, key: key, problems: &problems)
        }
        let name = reader.take("value").flatMap { JSONRead.string($0, reader.path(of: "value"), &problems) }
        var versionParts: [String]? = []
        if let partsJSON = reader.take("orVersionFrom") {
            versionParts = JSONRead.stringList(partsJSON, reader.path(of: "orVersionFrom"), &problems)
            if let count = versionParts?.count, !(2...4).contains(count) {
                problems.append(
                    DecodingProblem(
                        position: partsJSON.position, field: reader.path(of: "orVersionFrom"),
                        message: "a version has 2 to 4 parts: list 2 to 4 value names, found \(count)"))
                versionParts = nil
            }
        }
        let rule = decodeRule(&reader, allowsPresence: true, catalogs: catalogs, problems: &problems)
        let absence = decodeAbsence(&reader, rule: rule, problems: &problems)
        guard let key, let name, let rule, let absence, let versionParts else { return nil }
        return .value(
            ValueCheck(
                key: key, valueName: RegistryName(name), rule: rule, absence: absence,
                versionParts: versionParts.map(RegistryName.init)))
    }

    private static func decodeSubkeyCount(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let key = decodePath(&reader, "subkeyCountOf", problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        guard let key, let rule, whenAbsent.isValid else { return nil }
        return .subkeyCount(SubkeyCountCheck(key: key, rule: rule, absentStatus: whenAbsent.value ?? .unknown))
    }

    /// Decodes `{"service": NAME, "field": "state" | "startMode", <rule>, "whenAbsent": STATUS}`.
    private static func decodeService(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        var name: String?
        if let json = reader.take("service"), let text = JSONRead.string(json, reader.path(of: "service"), &problems) {
            if let problem = ServiceSnapshot.problem(withName: text) {
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "service"), message: problem))
            } else {
                name = text
            }
        }
        var field: ServiceCheck.Field?
        if let json = reader.require("field", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "field"), &problems)
        {
            field = ServiceCheck.Field(rawValue: text)
            if field == nil {
                let known = ServiceCheck.Field.allCases.map(\.rawValue)
                var message = "unknown service field \"\(text)\"; expected one of \(known.joined(separator: ", "))"
                if let suggestion = closestName(to: text, among: known) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "field"), message: message))
            }
        }
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        guard let name, let field, let rule, whenAbsent.isValid else { return nil }
        return .service(ServiceCheck(name: name, field: field, rule: rule, absentStatus: whenAbsent.value ?? .unknown))
    }

    /// An allow-listed CIM class named by `field`, or nil with a problem naming the allow-list.
    static func decodeCimClass(
        _ reader: inout JSONObjectReader, _ field: String, problems: inout [DecodingProblem]
    ) -> CimClass? {
        guard let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems) else {
            return nil
        }
        if let cimClass = CimClass.named(text) { return cimClass }
        problems.append(
            notAllowListed(
                "CIM class", text, known: CimClass.allowed.map(\.name), position: json.position,
                field: reader.path(of: field)))
        return nil
    }

    /// Decodes `{"cim": CLASS, "property": NAME, "require": "all" | "any", <rule>, "whenNoneFound": STATUS}`.
    private static func decodeCim(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let cimClass = decodeCimClass(&reader, "cim", problems: &problems)
        var property: String?
        if let json = reader.require("property", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "property"), &problems), let cimClass
        {
            property = cimClass.property(text)
            if property == nil {
                problems.append(
                    notAllowListed(
                        "property of \(cimClass.name)", text, known: cimClass.properties, position: json.position,
                        field: reader.path(of: "property")))
            }
        }
        let quantifier = decodeCase(&reader, "require", as: SubkeysCheck.Quantifier.self, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        var conditions: [FieldCondition]? = []
        if let json = reader.take("where") {
            conditions = decodeConditions(
                json, path: reader.path(of: "where"), known: cimClass?.properties ?? [], catalogs: catalogs,
                problems: &problems
            ) { text in cimClass.flatMap { $0.property(text) } }
        }
        let deniedStatus = decodeStatus(&reader, "whenDenied", problems: &problems)
        let whenDenied = deniedStatus.value ?? .unknown
        if whenDenied != .unknown, whenDenied != .skipped {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "whenDenied"),
                    message: "an unreadable class never passes or fails: expected Unknown or Skipped"))
        }
        guard let cimClass, let property, let quantifier, let rule, whenNoneFound.isValid, deniedStatus.isValid,
            whenDenied == .unknown || whenDenied == .skipped, let conditions
        else { return nil }
        return .cim(
            CimCheck(
                cimClass: cimClass, property: property, quantifier: quantifier, rule: rule,
                whenNoneFound: whenNoneFound.value ?? .unknown, whenDenied: whenDenied, conditions: conditions))
    }

    private static func decodeRole(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> Check? {
        guard let json = reader.take("role"), let text = JSONRead.string(json, reader.path(of: "role"), &problems)
        else { return nil }
        guard let role = ExchangeRole(rawValue: text) else {
            let names = ExchangeRole.allCases.map(\.rawValue)
            problems.append(
                DecodingProblem(
                    position: json.position, field: reader.path(of: "role"),
                    message: "expected one of \(names.joined(separator: ", ")), found \"\(text)\""))
            return nil
        }
        return .role(role)
    }

    private static func decodeKeyExistence(
        _ reader: inout JSONObjectReader, key: RegistryPath?, problems: inout [DecodingProblem]
    ) -> Check? {
        guard let presentJSON = reader.take("present") else {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "a check on a key without 'value' tests only its existence: add \"present\": true or false"
                ))
            return nil
        }
        let mustExist = JSONRead.bool(presentJSON, reader.path(of: "present"), &problems)
        for name in comparisonNames + ["cases", "default", "whenAbsent"] where reader.has(name) {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: name),
                    message: "needs a 'value' to test; a key alone has only 'present'"))
            _ = reader.take(name)
        }
        guard let key, let mustExist else { return nil }
        return .key(KeyCheck(key: key, mustExist: mustExist))
    }

    private static func decodeSubkeys(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let key = decodePath(&reader, "subkeysOf", problems: &problems)
        let name = reader.require("value", problems: &problems).flatMap {
            JSONRead.string($0, reader.path(of: "value"), &problems)
        }
        let quantifier = decodeCase(&reader, "require", as: SubkeysCheck.Quantifier.self, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        var windowsDefault: RegistryData?
        var defaultIsValid = true
        if let defaultJSON = reader.take("default") {
            windowsDefault = decodeDefault(defaultJSON, path: reader.path(of: "default"), problems: &problems)
            defaultIsValid = windowsDefault != nil
        }
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        guard let key, let name, let quantifier, let rule, defaultIsValid, whenNoneFound.isValid else { return nil }
        return .subkeys(
            SubkeysCheck(
                key: key, valueName: RegistryName(name), quantifier: quantifier, rule: rule,
                windowsDefault: windowsDefault, whenNoneFound: whenNoneFound.value ?? .unknown))
    }

    static func decodePath(
        _ reader: inout JSONObjectReader, _ field: String, problems: inout [DecodingProblem]
    ) -> RegistryPath? {
        guard let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems) else {
            return nil
        }
        if let problem = RegistryPath.problem(with: text) {
            problems.append(DecodingProblem(position: json.position, field: reader.path(of: field), message: problem))
            return nil
        }
        return RegistryPath(text)
    }

    /// Decodes the rule of a value or subkeys check: comparisons, `cases` with `otherwise`, or `present`.
    static func decodeRule(
        _ reader: inout JSONObjectReader, allowsPresence: Bool, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem], rowsOf fact: ExchangeFact? = nil
    ) -> ValueRule? {
        let rule = decodeAnyRule(&reader, allowsPresence: allowsPresence, catalogs: catalogs, problems: &problems)
        return rule.flatMap { checkRowComparisons($0, reader: reader, rowsOf: fact, problems: &problems) }
    }

    /// The rule with the properties its row comparisons (`sameAsProperty`, `lessThanProperty`,
    /// `notHostOfProperty`) name spelled as the allow-list spells them, or nil with a problem when a name is not a
    /// property of `fact`'s rows, or when the leaf has no rows (`fact` nil).
    static func checkRowComparisons(
        _ rule: ValueRule, reader: JSONObjectReader, rowsOf fact: ExchangeFact?, problems: inout [DecodingProblem]
    ) -> ValueRule? {
        var valid = true
        func checked(_ comparison: Comparison) -> Comparison {
            let names: [String]
            switch comparison {
            case .sameAsProperty(let text), .lessThanProperty(let text): names = [text]
            case .notHostOfProperty(let texts): names = texts
            default: return comparison
            }
            guard let fact else {
                problems.append(
                    DecodingProblem(
                        position: reader.position, field: reader.path,
                        message: "'sameAsProperty', 'lessThanProperty' and 'notHostOfProperty' compare with another "
                            + "property of the same row: only in an 'exchange' leaf or its 'where'"))
                valid = false
                return comparison
            }
            var properties: [String] = []
            for name in names {
                guard let property = fact.property(name) else {
                    problems.append(
                        DecodingProblem(
                            position: reader.position, field: reader.path,
                            message: "not an allow-listed property of Exchange \(fact.key): \"\(name)\"; expected "
                                + "one of " + fact.properties.joined(separator: ", ")))
                    valid = false
                    return comparison
                }
                properties.append(property)
            }
            switch comparison {
            case .sameAsProperty: return .sameAsProperty(properties[0])
            case .lessThanProperty: return .lessThanProperty(properties[0])
            default: return .notHostOfProperty(properties)
            }
        }
        let result: ValueRule =
            switch rule {
            case .require(let comparisons): .require(comparisons.map(checked))
            case .cases(let cases, let otherwise):
                .cases(
                    cases.map { CheckCase(comparisons: $0.comparisons.map(checked), status: $0.status, note: $0.note) },
                    otherwise: otherwise)
            case .presence: rule
            }
        return valid ? result : nil
    }

    private static func decodeAnyRule(
        _ reader: inout JSONObjectReader, allowsPresence: Bool, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> ValueRule? {
        if let casesJSON = reader.take("cases") {
            return decodeCases(casesJSON, &reader, catalogs: catalogs, problems: &problems)
        }
        if allowsPresence, let presentJSON = reader.take("present") {
            guard let mustExist = JSONRead.bool(presentJSON, reader.path(of: "present"), &problems) else { return nil }
            if let other = comparisonNames.first(where: reader.has) {
                problems.append(
                    DecodingProblem(
                        position: presentJSON.position, field: reader.path(of: "present"),
                        message: "'present' stands alone; it cannot be combined with '\(other)'"))
                return nil
            }
            return .presence(mustExist: mustExist)
        }
        let (comparisons, valid) = decodeComparisons(&reader, catalogs: catalogs, problems: &problems)
        guard valid else { return nil }
        if comparisons.isEmpty {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "no test: expected one of \(comparisonNames.joined(separator: ", ")), cases"
                        + (allowsPresence ? " or present" : "")))
            return nil
        }
        return .require(comparisons)
    }

    private static func decodeCases(
        _ json: JSONValue, _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> ValueRule? {
        let path = reader.path(of: "cases")
        let otherwise = decodeStatus(&reader, "otherwise", problems: &problems)
        if otherwise.isValid, otherwise.value == nil {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "otherwise"),
                    message: "missing field: 'cases' needs 'otherwise', the status when no case matches"))
        }
        guard let items = JSONRead.array(json, path, &problems) else { return nil }
        if items.isEmpty {
            problems.append(DecodingProblem(position: json.position, field: path, message: "list at least one case"))
        }
        var cases: [CheckCase] = []
        for (index, item) in items.enumerated() {
            guard var caseReader = JSONObjectReader(item, path: "\(path)[\(index)]", problems: &problems) else {
                continue
            }
            let (comparisons, valid) = decodeComparisons(&caseReader, catalogs: catalogs, problems: &problems)
            let status = decodeStatus(&caseReader, "status", problems: &problems)
            let note = caseReader.take("note").flatMap { JSONRead.string($0, caseReader.path(of: "note"), &problems) }
            caseReader.reportUnknownFields(knownNames: comparisonNames + ["status", "note"], problems: &problems)
            if valid, comparisons.isEmpty {
                problems.append(
                    DecodingProblem(
                        position: item.position, field: caseReader.path,
                        message: "a case needs a test: one of \(comparisonNames.joined(separator: ", "))"))
            }
            if status.isValid, status.value == nil {
                problems.append(
                    DecodingProblem(
                        position: item.position, field: caseReader.path(of: "status"), message: "missing field"))
            }
            if valid, !comparisons.isEmpty, let status = status.value {
                cases.append(CheckCase(comparisons: comparisons, status: status, note: note))
            }
        }
        guard cases.count == items.count, !items.isEmpty, let otherwise = otherwise.value else { return nil }
        return .cases(cases, otherwise: otherwise)
    }

    /// Decodes the absent-value policy of a value check: `default` (a Windows default) or `whenAbsent` (a status).
    static func decodeAbsence(
        _ reader: inout JSONObjectReader, rule: ValueRule?, problems: inout [DecodingProblem]
    ) -> Absence? {
        let defaultJSON = reader.take("default")
        let status = decodeStatus(&reader, "whenAbsent", problems: &problems)
        if let defaultJSON, status.value != nil {
            problems.append(
                DecodingProblem(
                    position: defaultJSON.position, field: reader.path(of: "default"),
                    message: "give either 'default' (the Windows default) or 'whenAbsent' (a status), not both"))
            return nil
        }
        if rule?.isPresenceTest == true, defaultJSON != nil || status.value != nil {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: defaultJSON != nil ? "default" : "whenAbsent"),
                    message: "a 'present' test decides absence itself"))
            return nil
        }
        if let defaultJSON {
            return decodeDefault(defaultJSON, path: reader.path(of: "default"), problems: &problems)
                .map(Absence.windowsDefault)
        }
        guard status.isValid else { return nil }
        return status.value.map(Absence.status) ?? .unknown
    }

    /// A documented Windows default: a number (a DWORD, or a QWORD above 32 bits), a string or a list of strings.
    private static func decodeDefault(
        _ json: JSONValue, path: String, problems: inout [DecodingProblem]
    ) -> RegistryData? {
        switch json.kind {
        case .number(let number):
            if let unsigned = number.unsignedValue {
                return UInt32(exactly: unsigned).map(RegistryData.dword) ?? .qword(unsigned)
            }
        case .string(let text):
            return .string(text)
        case .array(let items):
            let strings = items.compactMap { item -> String? in
                if case .string(let text) = item.kind { return text }
                return nil
            }
            if strings.count == items.count { return .multiString(strings) }
        default:
            break
        }
        problems.append(
            JSONRead.mismatch(json, path, expected: "a non-negative integer, a string or an array of strings"))
        return nil
    }

    static func decodeStatus(
        _ reader: inout JSONObjectReader, _ field: String, problems: inout [DecodingProblem]
    ) -> (value: Status?, isValid: Bool) {
        guard let json = reader.take(field) else { return (nil, true) }
        guard let text = JSONRead.string(json, reader.path(of: field), &problems) else { return (nil, false) }
        let allowed: [Status] = [.pass, .fail, .unknown, .skipped]
        guard let status = Status(rawValue: text), allowed.contains(status) else {
            var message = "expected one of \(allowed.map(\.rawValue).joined(separator: ", ")), found \"\(text)\""
            if let suggestion = closestName(to: text, among: allowed.map(\.rawValue)) {
                message += " (did you mean '\(suggestion)'?)"
            }
            problems.append(DecodingProblem(position: json.position, field: reader.path(of: field), message: message))
            return (nil, false)
        }
        return (status, true)
    }

    /// The required field `field` (e.g. `"require"`), whose text must name one case of `T`; other text is a
    /// problem listing the cases.
    static func decodeCase<T: RawRepresentable & CaseIterable>(
        _ reader: inout JSONObjectReader, _ field: String, as type: T.Type, problems: inout [DecodingProblem]
    ) -> T? where T.RawValue == String {
        guard let json = reader.require(field, problems: &problems),
            let text = JSONRead.string(json, reader.path(of: field), &problems)
        else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map { "\"\($0.rawValue)\"" }
        let listed = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        problems.append(
            DecodingProblem(
                position: json.position, field: reader.path(of: field), message: "expected \(listed), found \"\(text)\""
            ))
        return nil
    }

    /// The problem for a name that is not on an allow-list: "not an allow-listed WHAT: "text"; expected one of
    /// ...", with the closest allowed name when one is near.
    static func notAllowListed(
        _ what: String, _ text: String, known: [String], position: SourcePosition?, field: String
    ) -> DecodingProblem {
        var message = "not an allow-listed \(what): \"\(text)\"; expected one of \(known.joined(separator: ", "))"
        if let suggestion = closestName(to: text, among: known) { message += " (did you mean '\(suggestion)'?)" }
        return DecodingProblem(position: position, field: field, message: message)
    }

    static func decodeComparisons(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> ([Comparison], valid: Bool) {
        var comparisons: [Comparison] = []
        var valid = true
        for name in comparisonNames {
            guard let json = reader.take(name) else { continue }
            if let comparison = decodeComparison(
                name, json, path: reader.path(of: name), catalogs: catalogs, problems: &problems)
            {
                comparisons.append(comparison)
            } else {
                valid = false
            }
        }
        return (comparisons, valid)
    }

    private static func decodeComparison(
        _ name: String, _ json: JSONValue, path: String, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> Comparison? {
        func number() -> UInt64? { decodeNumber(json, path: path, problems: &problems) }
        func text() -> String? { JSONRead.string(json, path, &problems) }
        switch name {
        case "equals":
            if case .string(let operand) = json.kind, !operand.lowercased().hasPrefix("0x") {
                return .equalsText(operand)
            }
            if case .bool(let operand) = json.kind { return .equalsBool(operand) }
            return number().map(Comparison.equalsNumber)
        case "oneOf":
            guard let items = JSONRead.array(json, path, &problems) else { return nil }
            guard !items.isEmpty else {
                problems.append(
                    DecodingProblem(position: json.position, field: path, message: "list at least one item"))
                return nil
            }
            let texts = items.compactMap { if case .string(let text) = $0.kind { text } else { nil } }
            if texts.count == items.count, !texts.allSatisfy({ $0.lowercased().hasPrefix("0x") }) {
                return .oneOfTexts(texts)
            }
            let numbers = items.enumerated().compactMap { index, item in
                decodeNumber(item, path: "\(path)[\(index)]", problems: &problems)
            }
            return numbers.count == items.count ? .oneOfNumbers(numbers) : nil
        case "atLeast": return number().map(Comparison.atLeast)
        case "atMost": return number().map(Comparison.atMost)
        case "greaterThan": return number().map(Comparison.greaterThan)
        case "lessThan": return number().map(Comparison.lessThan)
        case "bitsSet": return number().map(Comparison.bitsSet)
        case "bitsClear": return number().map(Comparison.bitsClear)
        case "between":
            guard case .array(let items) = json.kind, items.count == 2 else {
                let found =
                    if case .array(let items) = json.kind { "an array of \(items.count)" } else { json.typeName }
                problems.append(
                    DecodingProblem(
                        position: json.position, field: path,
                        message: "expected two numbers [low, high], found \(found)"))
                return nil
            }
            guard let low = decodeNumber(items[0], path: path + "[0]", problems: &problems),
                let high = decodeNumber(items[1], path: path + "[1]", problems: &problems)
            else { return nil }
            guard low <= high else {
                problems.append(
                    DecodingProblem(position: json.position, field: path, message: "low \(low) is above high \(high)"))
                return nil
            }
            return .between(low, high)
        case "versionAtLeast": return decodeVersion(json, path: path, catalogs: catalogs, problems: &problems)
        case "dateBefore": return decodeDate(json, path: path, problems: &problems).map(Comparison.dateBefore)
        case "dateAfter": return decodeDate(json, path: path, problems: &problems).map(Comparison.dateAfter)
        case "equalsIgnoringCase": return text().map(Comparison.equalsIgnoringCase)
        case "contains": return text().map(Comparison.contains)
        case "startsWith": return text().map(Comparison.startsWith)
        case "containsText": return text().map(Comparison.containsText)
        case "emptyList": return JSONRead.bool(json, path, &problems).map(Comparison.emptyList)
        case "sameAsProperty": return text().map(Comparison.sameAsProperty)
        case "lessThanProperty": return text().map(Comparison.lessThanProperty)
        case "notHostOfProperty":
            if case .string(let name) = json.kind { return .notHostOfProperty([name]) }
            guard
                let names = JSONRead.array(json, path, &problems)?.compactMap({ JSONRead.string($0, path, &problems) }),
                !names.isEmpty
            else {
                if case .array = json.kind {
                    problems.append(
                        DecodingProblem(position: json.position, field: path, message: "expected at least one property")
                    )
                }
                return nil
            }
            return .notHostOfProperty(names)
        case "itemsAtLeast": return decodeNumber(json, path: path, problems: &problems).map(Comparison.itemsAtLeast)
        case "matches":
            guard let source = text() else { return nil }
            do {
                return .matches(try RegexPattern(source))
            } catch {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: path, message: "invalid regular expression: \(error)"))
                return nil
            }
        default:
            return nil
        }
    }

    /// A date operand: an ISO 8601 date (`"2027-01-01"`, `"2027-01-01T00:00:00Z"`), `"scanTime"`, or
    /// `{"daysFromScan": N}` (N days after the scan time; before it when negative).
    private static func decodeDate(
        _ json: JSONValue, path: String, problems: inout [DecodingProblem]
    ) -> Comparison.DateOperand? {
        let expected = "an ISO 8601 date such as \"2027-01-01T00:00:00Z\", \"scanTime\", or {\"daysFromScan\": N}"
        switch json.kind {
        case .string("scanTime"):
            return .scanTime(plusDays: 0)
        case .string(let text):
            if let instant = Timestamp(iso8601: text) { return .fixed(instant) }
            problems.append(
                DecodingProblem(
                    position: json.position, field: path, message: "expected \(expected), found \"\(text)\""))
            return nil
        case .object:
            guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
            defer { reader.reportUnknownFields(knownNames: ["daysFromScan"], problems: &problems) }
            guard let days = reader.require("daysFromScan", problems: &problems) else { return nil }
            guard case .number(let number) = days.kind, let count = number.integerValue, abs(count) <= 36_500 else {
                problems.append(
                    JSONRead.mismatch(
                        days, reader.path(of: "daysFromScan"), expected: "a whole number of days from -36500 to 36500"))
                return nil
            }
            return .scanTime(plusDays: count)
        default:
            problems.append(JSONRead.mismatch(json, path, expected: expected))
            return nil
        }
    }

    /// A version operand: a string such as `"15.2.1748.43"`, or `{"catalog": NAME, "entry": ENTRY}` naming an entry
    /// of a ``VersionCatalog`` shipped beside the controls.
    private static func decodeVersion(
        _ json: JSONValue, path: String, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Comparison? {
        if case .string(let text) = json.kind {
            if let version = DottedVersion(text) { return .versionAtLeast(version, catalogEntry: nil) }
            problems.append(
                DecodingProblem(
                    position: json.position, field: path,
                    message: "expected a version of 2 to 4 numbers such as \"15.2.1748.43\", found \"\(text)\""))
            return nil
        }
        guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
        defer { reader.reportUnknownFields(knownNames: ["catalog", "entry"], problems: &problems) }
        guard let catalogJSON = reader.require("catalog", problems: &problems),
            let catalogName = JSONRead.string(catalogJSON, reader.path(of: "catalog"), &problems),
            let entryJSON = reader.require("entry", problems: &problems),
            let entry = JSONRead.string(entryJSON, reader.path(of: "entry"), &problems)
        else { return nil }
        guard let catalog = catalogs[catalogName] else {
            let known = catalogs.keys.sorted()
            problems.append(
                DecodingProblem(
                    position: catalogJSON.position, field: reader.path(of: "catalog"),
                    message: "no version catalog named \"\(catalogName)\" in the controls' catalogs/ directory"
                        + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))")))
            return nil
        }
        guard let version = catalog.versions[entry] else {
            var message = "catalog \(catalogName) has no entry \"\(entry)\""
            if let suggestion = closestName(to: entry, among: catalog.versions.keys.sorted()) {
                message += " (did you mean '\(suggestion)'?)"
            }
            problems.append(
                DecodingProblem(position: entryJSON.position, field: reader.path(of: "entry"), message: message))
            return nil
        }
        return .versionAtLeast(version, catalogEntry: "\(catalogName): \(entry)")
    }

    /// A numeric operand: a non-negative JSON integer, or a string `"0x..."` for masks written in hexadecimal.
    private static func decodeNumber(_ json: JSONValue, path: String, problems: inout [DecodingProblem]) -> UInt64? {
        switch json.kind {
        case .number(let number):
            if let unsigned = number.unsignedValue { return unsigned }
            let message =
                number.integerValue != nil
                ? "registry numbers are unsigned (a DWORD 0xFFFFFFFF is 4294967295); found \(number.literal)"
                : "expected an integer from 0 to 18446744073709551615, found \(number.literal)"
            problems.append(DecodingProblem(position: json.position, field: path, message: message))
            return nil
        case .string(let text) where text.lowercased().hasPrefix("0x"):
            if let value = UInt64(text.dropFirst(2), radix: 16) { return value }
            problems.append(
                DecodingProblem(position: json.position, field: path, message: "invalid hexadecimal number \"\(text)\"")
            )
            return nil
        default:
            problems.append(JSONRead.mismatch(json, path, expected: "a non-negative integer or a \"0x...\" string"))
            return nil
        }
    }
}
