/// The output objects of one template for one set of present variables, built once: every key the
/// object will hold, literal members already in place and `.null` where a rendered value goes, with the
/// dictionary index of each such member. A render copies the dictionary (no rehash: a copy keeps its
/// buckets, so the indices stay valid) and sets the values by index.
///
/// Only objects whose members' presence follows from which variables are set qualify: a whole-value
/// placeholder with a deeper path (`{{ a.b }}`) may be missing even when `a` is set, so an object
/// holding one is built key by key.
final class RenderSkeletons: Sendable {
    struct Object: Sendable {
        let members: [String: JSONValue]
        /// The child node (by position in the object node) rendered into each placeholder member.
        let fills: [(child: Int, index: Dictionary<String, JSONValue>.Index)]
    }

    /// By object node id; nil for an object that does not qualify.
    let objects: [Object?]

    /// Skeletons for `values`' present variables (`values[slot] != nil`).
    init(root: CompiledTemplate.Node, objectCount: Int, values: [JSONValue?]) {
        var objects = [Object?](repeating: nil, count: objectCount)
        func present(_ slot: Int?) -> Bool {
            guard let slot else { return false }
            return values[slot] != nil
        }
        func visit(_ node: CompiledTemplate.Node) {
            switch node {
            case .literal, .whole, .text: return
            case .array(let nodes): nodes.forEach(visit)
            case .object(let nodes, let id):
                nodes.forEach { visit($0.node) }
                var qualifies = true
                var members = [String: JSONValue](minimumCapacity: nodes.count)
                var pending: [Int] = []
                for (i, (key, child)) in nodes.enumerated() {
                    switch child {
                    case .literal(let value): members[key] = value
                    case .whole(let path, let slot):
                        if path.segments.count != 1 { qualifies = false }
                        if present(slot) {
                            members[key] = .null
                            pending.append(i)
                        }
                    case .text, .array, .object:
                        members[key] = .null
                        pending.append(i)
                    }
                }
                guard qualifies else { return }
                objects[id] = Object(members: members, fills: pending.map { (child: $0, index: members.index(forKey: nodes[$0].key)!) })
            }
        }
        visit(root)
        self.objects = objects
    }
}
