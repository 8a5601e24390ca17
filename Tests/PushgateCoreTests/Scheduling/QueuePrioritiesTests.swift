import PushgateCore
import Testing

@Suite struct QueuePrioritiesTests {
    /// The verified sequence of docs/prefect-semantics.md §4.3.
    @Test func prefectShiftingSequence() {
        var queues: [Int64: Int] = [1: 1, 2: 2, 3: 3]  // default, A, B
        func list() -> [(id: Int64, priority: Int)] { queues.map { ($0.key, $0.value) } }
        queues = QueuePriorities.place(target: 4, at: 2, among: list())  // D at 2
        #expect(queues == [1: 1, 4: 2, 2: 3, 3: 4])
        queues = QueuePriorities.place(target: 5, at: 10, among: list())  // E at 10
        #expect(queues == [1: 1, 4: 2, 2: 3, 3: 4, 5: 10])
        let free = QueuePriorities.firstFree(Array(queues.values))
        #expect(free == 5)
        queues = QueuePriorities.place(target: 6, at: free, among: list())  // F, no priority
        queues = QueuePriorities.place(target: 5, at: 1, among: list())  // PATCH E to 1
        #expect(queues == [5: 1, 1: 2, 4: 3, 2: 4, 3: 5, 6: 6])
    }

    @Test func firstFreeFillsGaps() {
        #expect(QueuePriorities.firstFree([]) == 1)
        #expect(QueuePriorities.firstFree([1, 2, 4]) == 3)
        #expect(QueuePriorities.firstFree([2, 3]) == 1)
    }

    @Test func movingDownKeepsOthersRanked() {
        let result = QueuePriorities.place(target: 1, at: 3, among: [(1, 1), (2, 2), (3, 3)])
        #expect(result == [2: 2, 1: 3, 3: 4])
    }
}
