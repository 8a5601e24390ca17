import Foundation

/// When each live task on a timeline lifecycle stops, earliest first (a binary min-heap), so counting the
/// tasks alive at once costs a logarithm per start instead of a sweep of every live task: the sweep made
/// RunTask quadratic, and the fake ECS, not the gateway, the limit of the end-to-end benchmark.
struct StopDeadlines {
    private var heap: [(at: Date, arn: String)] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func insert(_ arn: String, at: Date) {
        heap.append((at, arn))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].at < heap[parent].at else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the task with the earliest deadline when that is at or before `now`.
    mutating func popDue(_ now: Date) -> String? {
        guard let first = heap.first, first.at <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].at < heap[smallest].at { smallest = left }
                if right < heap.count && heap[right].at < heap[smallest].at { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.arn
    }
}
