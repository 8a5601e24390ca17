/// Keeps queue priorities unique per pool the way Prefect does (docs/prefect-semantics.md §4.3): a queue
/// placed at a taken priority takes it and the queues from there down move one lower; gaps are kept.
package enum QueuePriorities {
    /// The priority a new queue gets when none is given: the first gap in 1...n, else max + 1.
    package static func firstFree(_ taken: [Int]) -> Int {
        let used = Set(taken)
        var candidate = 1
        while used.contains(candidate) { candidate += 1 }
        return candidate
    }

    /// Places `target` at `priority` among `queues` (id, priority) and returns the new priority of every
    /// queue, `target` included. `target` may be a new id or one already in `queues` (a move).
    package static func place(target: Int64, at priority: Int, among queues: [(id: Int64, priority: Int)]) -> [Int64: Int] {
        let others = queues.filter { $0.id != target }.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
        var ordered: [(id: Int64, priority: Int)] = []
        var inserted = false
        for queue in others {
            if !inserted && queue.priority >= priority {
                ordered.append((target, priority))
                inserted = true
            }
            ordered.append(queue)
        }
        if !inserted { ordered.append((target, priority)) }
        var result: [Int64: Int] = [:]
        var previous = 0
        for queue in ordered {
            let assigned = queue.priority <= previous ? previous + 1 : queue.priority
            result[queue.id] = assigned
            previous = assigned
        }
        return result
    }
}
