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

    package init() {}

    package var workloads: Int { groupsCreated }

    package var json: JSONValue {
        [
            "workloads": .int(Int64(workloads)), "groupsCreated": .int(Int64(groupsCreated)),
            "groupsUpdated": .int(Int64(groupsUpdated)), "stops": .int(Int64(stops)), "deletes": .int(Int64(deletes)),
            "tokensIssued": .int(Int64(tokensIssued)), "unauthorized": .int(Int64(unauthorized)),
            "invalidRequests": .int(Int64(invalidRequests)), "faultsInjected": .int(Int64(faultsInjected)),
            "calls": .object(calls.mapValues { .int(Int64($0)) }),
        ]
    }
}
