/// A `job_configuration` tree with every string's placeholders found once, so a render is a walk that
/// substitutes values: Prefect's `apply_values(template, values, remove_notset=True)`
/// (docs/prefect-semantics.md §1.4, rules R0–R7).
///
/// Each placeholder also carries the number of its root variable in the template's
/// ``JobVariableSlots``, so a submission's render reads values by index instead of hashing names, and
/// fills prebuilt output objects (``RenderSkeletonCache``) instead of hashing every key into a new one.
package struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        /// A subtree without placeholders, returned as is (shared, never rebuilt).
        case literal(JSONValue)
        /// A string that is exactly one STANDARD placeholder: replaced by the typed value (R2).
        case whole(ValuePath, slot: Int?)
        /// A string with embedded or non-standard placeholders: always renders to a string (R3).
        case text([Piece])
        case array([Node])
        /// `id` numbers the object nodes (0..<objectCount), for ``RenderSkeletons``.
        case object([(key: String, node: Node)], id: Int)
    }

    enum Piece: Sendable {
        case literal(String)
        /// A STANDARD placeholder: Python `str(value)`, or `""` when the value is missing.
        case standard(ValuePath, slot: Int?)
        /// `{{ $NAME }}`: pushgate never reads its own environment (it holds cloud secrets), so this is
        /// always missing and becomes `""`. Validation rejects it in `job_configuration`.
        case environment
        /// `prefect.blocks.*` / `prefect.variables.*`: left verbatim, as Prefect's first stage leaves them.
        case verbatim(String)
    }

    let root: Node
    let objectCount: Int
    /// Prebuilt output objects per set of present variables; nil when the template has too many
    /// variables deciding object keys for one 64-bit mask.
    let skeletons: RenderSkeletonCache?

    package init(_ template: JSONValue) {
        self.init(template, slots: [:])
    }

    /// Compiles with the slot numbers of root variable names (a root without one is always missing in
    /// ``render(slots:)``).
    init(_ template: JSONValue, slots: [String: Int]) {
        var objectCount = 0
        root = CompiledTemplate.compile(template, slots, &objectCount)
        self.objectCount = objectCount
        skeletons = RenderSkeletonCache(root: root, objectCount: objectCount)
    }

    private static func compile(_ value: JSONValue, _ slots: [String: Int], _ objectCount: inout Int) -> Node {
        func compile(_ value: JSONValue) -> Node { CompiledTemplate.compile(value, slots, &objectCount) }
        switch value {
        case .string(let text):
            let found = Placeholder.scan(text)
            if found.isEmpty { return .literal(value) }
            if found.count == 1, found[0].fullMatch == text, found[0].kind == .standard {
                let path = ValuePath(found[0].name)
                return .whole(path, slot: slots[path.root])
            }
            var pieces: [Piece] = []
            let scalars = Array(text.unicodeScalars)
            var cursor = 0
            for placeholder in found {
                if placeholder.range.lowerBound > cursor {
                    pieces.append(.literal(string(scalars[cursor..<placeholder.range.lowerBound])))
                }
                switch placeholder.kind {
                case .standard:
                    let path = ValuePath(placeholder.name)
                    pieces.append(.standard(path, slot: slots[path.root]))
                case .environment: pieces.append(.environment)
                case .blockDocument, .variable: pieces.append(.verbatim(placeholder.fullMatch))
                }
                cursor = placeholder.range.upperBound
            }
            if cursor < scalars.count { pieces.append(.literal(string(scalars[cursor...]))) }
            return .text(pieces)
        case .array(let items):
            let nodes = items.map(compile)
            if nodes.allSatisfy({ if case .literal = $0 { return true } else { return false } }) { return .literal(value) }
            return .array(nodes)
        case .object(let members):
            let nodes = members.keys.sorted().map { (key: $0, node: compile(members[$0]!)) }
            if nodes.allSatisfy({ if case .literal = $0.node { return true } else { return false } }) {
                return .literal(value)
            }
            objectCount += 1
            return .object(nodes, id: objectCount - 1)
        case .null, .bool, .int, .double:
            return .literal(value)
        }
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Renders with `values`; nil means the whole template rendered to "not set" (a missing whole-value
    /// placeholder at the root).
    package func render(_ values: [String: JSONValue]) -> JSONValue? {
        CompiledTemplate.render(root, values)
    }

    private static func render(_ node: Node, _ values: [String: JSONValue]) -> JSONValue? {
        switch node {
        case .literal(let value):
            return value
        case .whole(let path, _):
            return path.lookup(in: values)
        case .text(let pieces):
            var out = ""
            for piece in pieces {
                switch piece {
                case .literal(let s): out += s
                case .standard(let path, _): out += path.lookup(in: values)?.pythonText ?? ""
                case .environment: break
                case .verbatim(let s): out += s
                }
            }
            return .string(out)
        case .array(let nodes):
            var items: [JSONValue] = []
            items.reserveCapacity(nodes.count)
            for child in nodes {
                if let rendered = render(child, values) { items.append(rendered) }
            }
            return .array(items)
        case .object(let nodes, _):
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(nodes.count)
            for (key, child) in nodes {
                if let rendered = render(child, values) { members[key] = rendered }
            }
            return .object(members)
        }
    }
}

extension CompiledTemplate {
    /// Prefect's `apply_values(template, values)` in one call, for templates rendered once.
    package static func applyValues(_ template: JSONValue, _ values: [String: JSONValue]) -> JSONValue? {
        CompiledTemplate(template).render(values)
    }
}
