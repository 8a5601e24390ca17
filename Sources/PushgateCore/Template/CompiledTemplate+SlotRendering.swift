extension CompiledTemplate {
    /// As ``render(_:)`` with the values by slot number (`values[slot]`), as ``JobVariableSlots`` merges
    /// them. Objects come from the skeletons for the values' present variables: a copy of a prebuilt
    /// dictionary with the placeholder values set by index, so no output key is hashed.
    func render(slots values: [JSONValue?]) -> JSONValue? {
        let skeletons = skeletons?.skeletons(for: values)
        if let skeletons, let steps = skeletons.steps, let rendered = skeletons.run(steps, values) { return rendered }
        return CompiledTemplate.render(root, slots: values, skeletons)
    }

    private static func lookup(_ path: ValuePath, _ slot: Int?, _ values: [JSONValue?]) -> JSONValue? {
        guard let slot, let root = values[slot] else { return nil }
        return path.lookup(from: root)
    }

    /// A string with embedded placeholders (R3): Python `str(value)` for each, `""` when missing.
    static func renderText(_ pieces: [Piece], _ values: [JSONValue?]) -> JSONValue {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .standard(let path, let slot): out += lookup(path, slot, values)?.pythonText ?? ""
            case .environment: break
            case .verbatim(let s): out += s
            }
        }
        return .string(out)
    }

    private static func render(_ node: Node, slots values: [JSONValue?], _ skeletons: RenderSkeletons?) -> JSONValue? {
        switch node {
        case .literal(let value):
            return value
        case .whole(let path, let slot):
            return lookup(path, slot, values)
        case .text(let pieces):
            return renderText(pieces, values)
        case .array(let nodes):
            var items: [JSONValue] = []
            items.reserveCapacity(nodes.count)
            for child in nodes {
                if let rendered = render(child, slots: values, skeletons) { items.append(rendered) }
            }
            return .array(items)
        case .object(let nodes, let id):
            if let skeleton = skeletons?.objects[id] {
                var members = skeleton.members
                for fill in skeleton.fills {
                    // Present by construction (the skeleton was built for these present variables).
                    guard let rendered = render(nodes[fill.child].node, slots: values, skeletons) else {
                        return buildObject(nodes, values, skeletons)
                    }
                    members.values[fill.index] = rendered
                }
                return .object(members)
            }
            return buildObject(nodes, values, skeletons)
        }
    }

    private static func buildObject(_ nodes: [(key: String, node: Node)], _ values: [JSONValue?], _ skeletons: RenderSkeletons?) -> JSONValue {
        var members = [String: JSONValue](minimumCapacity: nodes.count)
        for (key, child) in nodes {
            if let rendered = render(child, slots: values, skeletons) { members[key] = rendered }
        }
        return .object(members)
    }
}
