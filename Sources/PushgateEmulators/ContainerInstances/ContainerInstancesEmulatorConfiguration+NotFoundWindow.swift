import Foundation

extension ContainerInstancesEmulatorConfiguration {
    /// GETs of a container group answering 404 while the group exists and its containers run on, as ARM may
    /// (docs/provider-apis.md §4.3): a read served before the group is indexed, or while its resource group is
    /// being re-read. A 404 GET does not move a `perPoll` group on. Counted per group: `after` GETs are answered
    /// normally, then 404 until `reads` of them have been given or `seconds` have passed since the first
    /// (both nil: for good).
    package struct NotFoundWindow: Sendable, Equatable {
        package enum Scope: Sendable, Equatable {
            /// The GET answers 404 `ResourceNotFound`; the resource group's listing still shows the group.
            case group
            /// The resource group is being re-read: the GET and the resource group's listing answer 404
            /// `ResourceGroupNotFound`.
            case resourceGroup
        }

        /// GETs of the group answered normally before the window opens (0: from the first after the PUT).
        package var after: Int
        /// 404 answers before the window closes; nil: no limit by count.
        package var reads: Int?
        /// Seconds the window stays open after its first 404; nil: no limit by time.
        package var seconds: TimeInterval?
        package var scope: Scope
        /// Only groups with one of these names; nil: every group.
        package var names: Set<String>?

        package init(after: Int = 0, reads: Int? = nil, seconds: TimeInterval? = nil, scope: Scope = .group, names: Set<String>? = nil) {
            self.after = after
            self.reads = reads
            self.seconds = seconds
            self.scope = scope
            self.names = names
        }

        /// Whether the window applies to the group named `name`.
        package func applies(to name: String) -> Bool { names?.contains(name) ?? true }
    }
}
