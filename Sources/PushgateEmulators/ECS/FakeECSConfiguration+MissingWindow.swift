import Foundation

extension FakeECSConfiguration {
    /// DescribeTasks answering `failures: [{reason: MISSING}]` for a task that exists and runs on, as ECS may:
    /// it is eventually consistent, most visibly right after RunTask (docs/provider-apis.md §2.3, §2.4). The
    /// task keeps running on the server's timeline meanwhile; a MISSING read does not move a `perDescribe`
    /// lifecycle on. Counted per task: `after` reads are answered normally, then MISSING until `reads` MISSING
    /// answers have been given or `seconds` have passed since the first one (both nil: for good).
    package struct MissingWindow: Sendable, Equatable {
        /// DescribeTasks reads of the task answered normally before the window opens (0: from the first).
        package var after: Int
        /// MISSING answers before the window closes; nil: no limit by count.
        package var reads: Int?
        /// Seconds (server clock) the window stays open after its first MISSING answer; nil: no limit by time.
        package var seconds: TimeInterval?
        /// ListTasks leaves the task out while the window is open, as an index that has not caught up would.
        package var hidesFromListTasks: Bool
        /// Only tasks started with one of these clientTokens; nil: every task.
        package var clientTokens: Set<String>?

        package init(
            after: Int = 0,
            reads: Int? = nil,
            seconds: TimeInterval? = nil,
            hidesFromListTasks: Bool = false,
            clientTokens: Set<String>? = nil
        ) {
            self.after = after
            self.reads = reads
            self.seconds = seconds
            self.hidesFromListTasks = hidesFromListTasks
            self.clientTokens = clientTokens
        }

        /// Whether the window applies to a task started with `clientToken`.
        package func applies(to clientToken: String?) -> Bool {
            guard let clientTokens else { return true }
            return clientToken.map(clientTokens.contains) ?? false
        }
    }
}
