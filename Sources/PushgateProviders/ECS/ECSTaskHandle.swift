import PushgateCore

/// An ECS task as Prefect's worker records it: `<cluster>::<taskArn>` (`::` because ARNs contain `:`;
/// docs/prefect-semantics.md §3.4). The cluster is the cluster ARN from RunTask's answer, or the name sent.
package struct ECSTaskHandle: Sendable, Hashable {
    package var cluster: String
    package var taskARN: String

    package init(cluster: String, taskARN: String) {
        self.cluster = cluster
        self.taskARN = taskARN
    }

    /// Reads `cluster::taskArn`; nil when either part is missing.
    package init?(_ handle: ProviderHandle) {
        guard let separator = handle.value.range(of: "::") else { return nil }
        let cluster = String(handle.value[..<separator.lowerBound])
        let task = String(handle.value[separator.upperBound...])
        guard !cluster.isEmpty, !task.isEmpty else { return nil }
        self.init(cluster: cluster, taskARN: task)
    }

    package var handle: ProviderHandle { ProviderHandle("\(cluster)::\(taskARN)") }
}
