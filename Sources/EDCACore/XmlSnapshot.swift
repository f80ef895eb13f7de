package import EDCAJSON

/// A path to elements, and optionally to one attribute of them, in an XML document:
/// `/configuration/appSettings/add[@key='TemporaryStoragePath']/@value`.
///
/// Each step names a child element, optionally filtered by one attribute's exact value; the last step may name an
/// attribute, of the elements reached or, after up to 8 `..` steps, of their parent or a further ancestor
/// (`/configuration/system.applicationHost/sites/site/hsts/../@name`: one entry per `hsts` element, its site's name).
/// Names compare exactly, as XML's do. The probe walks the steps itself: no XPath text reaches an XPath engine.
package struct XmlPath: Sendable, Hashable, CustomStringConvertible {
    /// One step: a child element's name, and optionally an attribute that must have a value.
    package struct Step: Sendable, Hashable {
        /// The element's name.
        package var name: String
        /// The attribute filter: the attribute's name and the value it must have.
        package var filter: (attribute: String, value: String)?

        package static func == (lhs: Step, rhs: Step) -> Bool {
            lhs.name == rhs.name && lhs.filter?.attribute == rhs.filter?.attribute
                && lhs.filter?.value == rhs.filter?.value
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(filter?.attribute)
            hasher.combine(filter?.value)
        }
    }

    /// The path as written.
    package let text: String
    /// The element steps, from the document's root element.
    package let steps: [Step]
    /// The attribute read from each element the steps reach, or nil when the path ends at the elements.
    package let attribute: String?
    /// How many `..` steps lead from each element reached to the one whose attribute is read (0: the element itself).
    package let parentSteps: Int

    /// The most `..` steps a path may take.
    package static let maxParentSteps = 8

    /// Parses a path, or nil when ``problem(with:)`` finds one.
    package init?(_ text: String) {
        guard case .success(let parsed) = Self.parse(text) else { return nil }
        self = parsed
    }

    private init(text: String, steps: [Step], attribute: String?, parentSteps: Int) {
        self.text = text
        self.steps = steps
        self.attribute = attribute
        self.parentSteps = parentSteps
    }

    /// The path to the elements, without its `..` steps and attribute: `/configuration/location`.
    package var elementsText: String {
        "/"
            + steps.map { step in step.filter.map { "\(step.name)[@\($0.attribute)='\($0.value)']" } ?? step.name }
            .joined(separator: "/")
    }

    /// The path that reads an attribute relative to the elements this path reaches: `@enabled` (of the element
    /// itself) or `../@name` (of its parent), or nil when ``problem(withRelative:)`` finds one. Both paths reach the
    /// same elements in the same order, so their entries pair up by position.
    package func relative(_ attribute: String) -> XmlPath? {
        guard Self.problem(withRelative: attribute) == nil else { return nil }
        return XmlPath(elementsText + "/" + attribute)
    }

    /// What is wrong with an attribute relative to an element (`@NAME`, or `../` up to 8 times then `@NAME`), or nil.
    package static func problem(withRelative text: String) -> String? {
        var rest = Substring(text)
        var ups = 0
        while rest.hasPrefix("../") {
            rest = rest.dropFirst(3)
            ups += 1
        }
        guard rest.hasPrefix("@"), isName(rest.dropFirst()), ups <= maxParentSteps else {
            return "an attribute of the element is @name, or ../@name for its parent (at most \(maxParentSteps) ../)"
        }
        return nil
    }

    package var description: String { text }

    package static func == (lhs: XmlPath, rhs: XmlPath) -> Bool { lhs.text == rhs.text }

    package func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// What is wrong with a path, or nil when it is one the probe walks.
    package static func problem(with text: String) -> String? {
        if case .failure(let problem) = parse(text) { return problem.message }
        return nil
    }

    private struct Problem: Error { var message: String }

    /// The grammar: `(/NAME([@NAME='VALUE'])?)+((/..){1,8}/@NAME|/@NAME)?`, NAME `[A-Za-z_][A-Za-z0-9._-]*`, VALUE
    /// without `'`, `[`, `]` or `/`.
    private static func parse(_ text: String) -> Result<XmlPath, Problem> {
        let shape = "an XML path is /element/element[@attribute='value']/.../@attribute"
        guard text.hasPrefix("/"), text.utf8.count <= 512 else {
            return .failure(Problem(message: "\(shape); it starts with / and has at most 512 characters"))
        }
        var parts = splitSteps(text.dropFirst())
        var attribute: String?
        var parentSteps = 0
        if let last = parts.last, last.hasPrefix("@") {
            let name = String(last.dropFirst())
            guard isName(name) else { return .failure(Problem(message: "invalid attribute name \"\(name)\"")) }
            attribute = name
            parts.removeLast()
            while parts.last == ".." {
                parts.removeLast()
                parentSteps += 1
            }
            guard parentSteps <= maxParentSteps else {
                return .failure(Problem(message: "\(shape): at most \(maxParentSteps) .. steps before the attribute"))
            }
        }
        if parts.contains("..") {
            return .failure(Problem(message: "\(shape); .. may only come right before the final /@attribute"))
        }
        guard !parts.isEmpty else { return .failure(Problem(message: "\(shape): name at least one element")) }
        guard parts.count <= 32 else { return .failure(Problem(message: "\(shape): at most 32 steps")) }
        var steps: [Step] = []
        for part in parts {
            guard let open = part.firstIndex(of: "[") else {
                guard isName(part) else {
                    return .failure(Problem(message: "\(shape); \"\(part)\" is not an element name"))
                }
                steps.append(Step(name: String(part), filter: nil))
                continue
            }
            let name = String(part[..<open])
            let filter = part[part.index(after: open)...]
            guard isName(name), filter.hasPrefix("@"), filter.hasSuffix("']"),
                let equals = filter.firstRange(of: "='")
            else {
                return .failure(Problem(message: "\(shape); step \"\(part)\" is not NAME[@attribute='value']"))
            }
            let attributeName = String(filter[filter.index(after: filter.startIndex)..<equals.lowerBound])
            let value = String(filter[equals.upperBound..<filter.index(filter.endIndex, offsetBy: -2)])
            guard isName(attributeName), !value.contains(where: { "'[]/".contains($0) }) else {
                return .failure(
                    Problem(message: "\(shape); in step \"\(part)\" the filter's value may not contain ' [ ] or /"))
            }
            steps.append(Step(name: name, filter: (attributeName, value)))
        }
        guard parentSteps < steps.count else {
            return .failure(Problem(message: "\(shape): more .. steps than elements"))
        }
        return .success(XmlPath(text: text, steps: steps, attribute: attribute, parentSteps: parentSteps))
    }

    /// Splits at `/` outside a filter's quotes (a quoted value cannot hold `/`, so a plain split suffices).
    private static func splitSteps(_ text: Substring) -> [Substring] {
        text.split(separator: "/", omittingEmptySubsequences: false)
    }

    private static func isName(_ text: some StringProtocol) -> Bool {
        guard let first = text.first, first == "_" || first.isASCII && first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

/// What a host says about one XML file.
package enum XmlFileState: Sendable, Hashable {
    /// The file was read: for each path read in it, one entry per element the path reaches, holding the
    /// attribute's value (nil when the element has no such attribute, or the path names no attribute). A path the
    /// snapshot does not list reached no element.
    case read([XmlPath: [String?]])
    /// The file (or its root, such as an Exchange install path) does not exist.
    case absent
    /// The file is not well-formed XML.
    case malformed
    /// The file cannot be read by the probe's account.
    case denied
}

/// The XML configuration files read on a host, by address. A file a snapshot does not list was not read.
package struct XmlSnapshot: Sendable {
    private var files: [LocalPath: XmlFileState] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no file was recorded.
    package var isEmpty: Bool { files.isEmpty }

    /// What the snapshot says about a file, or nil when it was not read.
    package func state(of file: LocalPath) -> XmlFileState? { files[file] }

    /// Records what the host says about a file.
    package mutating func set(_ file: LocalPath, _ state: XmlFileState) { files[file] = state }

    /// Records the elements one path reached in a file that was read (a file not yet recorded becomes read).
    package mutating func record(_ values: [String?], at path: XmlPath, in file: LocalPath) {
        var paths: [XmlPath: [String?]] = [:]
        if case .read(let known) = files[file] { paths = known }
        paths[path] = values
        files[file] = .read(paths)
    }

    /// What a read of one path in one file finds: the entries it reached, or the file's state; nil when the file
    /// was not read.
    package func values(at path: XmlPath, in file: LocalPath) -> XmlFileState? {
        guard let state = files[file] else { return nil }
        if case .read(let paths) = state { return .read([path: paths[path] ?? []]) }
        return state
    }

    /// Decodes the `xml` member of a snapshot: `{"ExchangeInstall\\Bin\\x.config": {"/configuration/@a": ["1"]}}`,
    /// a file being `"absent"`, `"malformed"` or `null` (unreadable) instead of an object of paths, and each entry
    /// a string or `null` (the element has no such attribute).
    ///
    /// - Throws: ``SnapshotError`` listing every malformed file address, path or entry.
    package init(document: JSONValue) throws(SnapshotError) {
        files = try LocalPath.decodeTable(
            document, member: "xml", expected: "an object whose members are ROOT\\relative\\path files",
            allowsRoot: false,
            decodeState: { Self.decodeState($0, field: $1, problems: &$2) })
    }

    /// Decodes one file: an object of paths, `"absent"`, `"malformed"`, or `null`.
    private static func decodeState(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> XmlFileState? {
        switch value.kind {
        case .null: return .denied
        case .string("absent"): return .absent
        case .string("malformed"): return .malformed
        case .object(let members):
            var paths: [XmlPath: [String?]] = [:]
            for member in members {
                let pathField = "\(field).\(member.name)"
                guard let path = XmlPath(member.name) else {
                    problems.append(
                        DecodingProblem(
                            position: member.namePosition, field: pathField,
                            message: XmlPath.problem(with: member.name) ?? "invalid XML path"))
                    continue
                }
                if let entries = decodeEntries(member.value, field: pathField, problems: &problems) {
                    paths[path] = entries
                }
            }
            return .read(paths)
        default:
            problems.append(
                JSONRead.mismatch(
                    value, field, expected: "an object of XML paths, \"absent\", \"malformed\", or null when unreadable"
                ))
            return nil
        }
    }

    /// Decodes the entries one path reached: an array of strings and nulls.
    package static func decodeEntries(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> [String?]? {
        guard case .array(let items) = value.kind else {
            problems.append(JSONRead.mismatch(value, field, expected: "an array of attribute values (strings or null)"))
            return nil
        }
        var entries: [String?] = []
        for (index, item) in items.enumerated() {
            switch item.kind {
            case .string(let text): entries.append(text)
            case .null: entries.append(nil)
            default:
                problems.append(JSONRead.mismatch(item, "\(field)[\(index)]", expected: "a string or null"))
                return nil
            }
        }
        return entries
    }

    /// The snapshot as the `xml` member, sorted by file address and path.
    package func jsonDocument() -> JSONOutput {
        .object(
            files.sorted { $0.key.address.lowercased() < $1.key.address.lowercased() }.map { file, state in
                let value: JSONOutput =
                    switch state {
                    case .read(let paths):
                        .object(
                            paths.sorted { $0.key.text < $1.key.text }.map { path, entries in
                                (path.text, .array(entries.map { $0.map(JSONOutput.string) ?? .null }))
                            })
                    case .absent: .string("absent")
                    case .malformed: .string("malformed")
                    case .denied: .null
                    }
                return (file.address, value)
            })
    }
}
