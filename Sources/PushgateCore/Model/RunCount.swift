import Foundation

/// How many runs of one queue are in one state: what the metrics' run and queue-depth gauges need, counted
/// by the store instead of reading every run at each scrape.
package struct RunCount: Sendable, Hashable {
    package var poolName: String
    package var queueName: String
    package var state: RunState
    package var count: Int

    package init(poolName: String, queueName: String, state: RunState, count: Int) {
        self.poolName = poolName
        self.queueName = queueName
        self.state = state
        self.count = count
    }
}
