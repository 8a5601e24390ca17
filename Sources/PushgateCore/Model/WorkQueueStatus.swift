/// A queue's health as Prefect reports it (docs/prefect-semantics.md §4.5), derived at read time.
package enum WorkQueueStatus: String, Sendable, Hashable, CaseIterable {
    case ready = "READY"
    case notReady = "NOT_READY"
    case paused = "PAUSED"
}
