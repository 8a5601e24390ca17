import Foundation

/// How many of a pool's runs were submitted, or ended in one state, in one minute: what the pool page
/// draws, because a rate reads faster from a picture than from a table.
package struct RunActivity: Sendable, Hashable {
    package enum Event: Sendable, Hashable {
        case submitted
        case ended(RunState)
    }

    /// The start of the minute.
    package var minute: Date
    package var event: Event
    package var count: Int

    package init(minute: Date, event: Event, count: Int) {
        self.minute = minute
        self.event = event
        self.count = count
    }
}
