/// The output objects of one template for one set of present variables, built once: every key the
/// object will hold, literal members already in place and `.null` where a rendered value goes, with the
/// dictionary index of each such member. A render copies the dictionary (no rehash: a copy keeps its
/// buckets, so the indices stay valid) and sets the values by index.
///
/// Only objects whose members' presence follows from which variables are set qualify: a whole-value
/// placeholder with a deeper path (`{{ a.b }}`) may be missing even when `a` is set, so an object
/// holding one is built key by key. When the whole tree qualifies, the render is also laid out as
/// straight-line ``Step``s on a value stack, so it walks no tree.
final class RenderSkeletons: Sendable {
    final class Object: Sendable {
        let members: [String: JSONValue]
        /// The child node (by position in the object node) rendered into each placeholder member.
        let fills: [(child: Int, index: Dictionary<String, JSONValue>.Index)]
        init(members: [String: JSONValue], fills: [(child: Int, index: Dictionary<String, JSONValue>.Index)]) {
            self.members = members
            self.fills = fills
        }
    }

    /// One step of the straight-line render, in post-order: each pushes one value.
    enum Step: Sendable {
        /// The slot's value (present by construction).
        case slot(Int)
        case literal(Int)
        case text(Int)
        /// The last `count` values as an array.
        case array(count: Int)
        /// The object's skeleton with its fills taken from the last values, in fill order.
        case object(id: Int)
    }

    /// By object node id; nil for an object that does not qualify.
    let objects: [Object?]
    /// Nil when some member's presence does not follow from the present variables, or the root is not an object.
    let steps: [Step]?
    let literals: [JSONValue]
    let texts: [[CompiledTemplate.Piece]]
    /// The most values on the stack at once.
    let stackDepth: Int

    /// Skeletons for `values`' present variables (`values[slot] != nil`); reused for any values with the
    /// same ``RenderSkeletonCache`` mask, which covers every slot whose presence they depend on.
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

        var steps: [Step] = []
        var literals: [JSONValue] = []
        var texts: [[CompiledTemplate.Piece]] = []
        var depth = 0
        var deepest = 0
        func push(_ step: Step, popping count: Int = 0) {
            steps.append(step)
            depth += 1 - count
            deepest = max(deepest, depth)
        }
        /// Emits the steps of a node; false when it renders to nothing; nil when that is not known.
        func emit(_ node: CompiledTemplate.Node) -> Bool? {
            switch node {
            case .literal(let value):
                literals.append(value)
                push(.literal(literals.count - 1))
            case .whole(let path, let slot):
                guard path.segments.count == 1 else { return nil }
                guard let slot, values[slot] != nil else { return false }
                push(.slot(slot))
            case .text(let pieces):
                texts.append(pieces)
                push(.text(texts.count - 1))
            case .array(let nodes):
                var count = 0
                for child in nodes {
                    guard let emitted = emit(child) else { return nil }
                    if emitted { count += 1 }
                }
                push(.array(count: count), popping: count)
            case .object(let nodes, let id):
                guard let object = objects[id] else { return nil }
                for fill in object.fills {
                    guard emit(nodes[fill.child].node) == true else { return nil }
                }
                push(.object(id: id), popping: object.fills.count)
            }
            return true
        }
        if case .object = root, emit(root) == true {
            self.steps = steps
        } else {
            self.steps = nil
        }
        self.literals = literals
        self.texts = texts
        stackDepth = deepest
    }

    /// Runs ``steps`` with `values`; nil when a value the steps rely on is missing after all (then the
    /// caller renders by walking the tree).
    func run(_ steps: [Step], _ values: [JSONValue?]) -> JSONValue? {
        var stack: [JSONValue] = []
        stack.reserveCapacity(stackDepth)
        for step in steps {
            switch step {
            case .slot(let slot):
                guard let value = values[slot] else { return nil }
                stack.append(value)
            case .literal(let i):
                stack.append(literals[i])
            case .text(let i):
                stack.append(CompiledTemplate.renderText(texts[i], values))
            case .array(let count):
                let items = Array(stack[(stack.count - count)...])
                stack.removeLast(count)
                stack.append(.array(items))
            case .object(let id):
                let object = objects[id]!
                var members = object.members
                var k = object.fills.count
                while k > 0 {
                    k -= 1
                    members.values[object.fills[k].index] = stack.removeLast()
                }
                stack.append(.object(members))
            }
        }
        return stack.popLast()
    }
}
