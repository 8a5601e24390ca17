import PushgateCore

/// What a ``ContainerInstancesEmulator`` accepted, so crash tests can check exactly one workload per run.
package struct ContainerInstancesEmulatorStatistics: Sendable, Equatable {
    /// Container groups created by a PUT: the workloads.
    package var groupsCreated = 0
    /// PUTs on an existing group: on real ACI each restarts the containers (docs/provider-apis.md §1.3).
    package var groupsUpdated = 0
    package var stops = 0
    package var deletes = 0
    package var tokensIssued = 0
    package var unauthorized = 0
    package var invalidRequests = 0
    package var faultsInjected = 0
    package var calls: [String: Int] = [:]
    /// The most groups whose containers were running (or about to) at once: what a pool limit bounds. A group
    /// counts until its container terminates, it is stopped or it is deleted (a 404 answer does not end it).
    package var peakConcurrentGroups = 0
    /// DELETEs of a group whose containers still ran: ARM allows it, but pushgate stops a group before deleting it.
    package var deletesWhileRunning = 0
    /// 404 answers for groups that exist (``ContainerInstancesEmulatorConfiguration/NotFoundWindow``).
    package var notFoundAnswers = 0

    package init() {}

    package var workloads: Int { groupsCreated }

    package var json: JSONValue {
        [
            "workloads": .int(Int64(workloads)), "groupsCreated": .int(Int64(groupsCreated)),
            "groupsUpdated": .int(Int64(groupsUpdated)), "stops": .int(Int64(stops)), "deletes": .int(Int64(deletes)),
            "tokensIssued": .int(Int64(tokensIssued)), "unauthorized": .int(Int64(unauthorized)),
            "invalidRequests": .int(Int64(invalidRequests)), "faultsInjected": .int(Int64(faultsInjected)),
            "calls": .object(calls.mapValues { .int(Int64($0)) }),
            "peakConcurrentGroups": .int(Int64(peakConcurrentGroups)), "deletesWhileRunning": .int(Int64(deletesWhileRunning)),
            "notFoundAnswers": .int(Int64(notFoundAnswers)),
        ]
    }
}
