import Synchronization

/// The ``RenderSkeletons`` of one compiled template for the last few sets of present variables, keyed by
/// a bit mask of the slots that decide which object members and array items exist. A pool's submissions
/// mostly set the same variables, so after the first render of a deployment every render is a hit.
final class RenderSkeletonCache: Sendable {
    /// Bit `i` of a mask is set when slot `maskSlots[i]` has a value.
    let maskSlots: [Int]
    private let root: CompiledTemplate.Node
    private let objectCount: Int
    private let entries: Mutex<[(mask: UInt64, skeletons: RenderSkeletons)]> = Mutex([])
    /// Masks kept (a few KiB each); the oldest is dropped beyond this, so a pool whose deployments set
    /// many different variable sets still mostly hits.
    static let capacity = 64

    /// Nil when the template has no object to build, or more than 64 slots decide which members and
    /// items exist: every whole-value placeholder's slot, in objects and in arrays (the straight-line
    /// steps leave out array items that are missing too).
    init?(root: CompiledTemplate.Node, objectCount: Int) {
        var slots = Set<Int>()
        func visit(_ node: CompiledTemplate.Node) {
            switch node {
            case .literal, .text: return
            case .whole(_, let slot): if let slot { slots.insert(slot) }
            case .array(let nodes): nodes.forEach(visit)
            case .object(let nodes, _): nodes.forEach { visit($0.node) }
            }
        }
        visit(root)
        guard objectCount > 0, slots.count <= 64 else { return nil }
        maskSlots = slots.sorted()
        self.root = root
        self.objectCount = objectCount
    }

    func skeletons(for values: [JSONValue?]) -> RenderSkeletons {
        var mask: UInt64 = 0
        for (bit, slot) in maskSlots.enumerated() where values[slot] != nil { mask |= 1 << UInt64(bit) }
        return entries.withLock { entries in
            if let hit = entries.last(where: { $0.mask == mask }) { return hit.skeletons }
            let built = RenderSkeletons(root: root, objectCount: objectCount, values: values)
            if entries.count >= RenderSkeletonCache.capacity { entries.removeFirst() }
            entries.append((mask, built))
            return built
        }
    }
}
