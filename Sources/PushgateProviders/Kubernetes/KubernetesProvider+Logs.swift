import Foundation
import PushgateCore

/// A run's output, read from its newest pod (docs/provider-apis.md §10.5).
extension KubernetesProvider {
    /// `run logs`: the pod's log read whole (or its last lines) and cut like ACI's and Docker's, since the API
    /// gives no byte offsets. No pod yet, or a Job already gone: empty.
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        let (namespace, name) = Self.parts(handle)
        let pods = try await list(requests.listPods(namespace: namespace, jobName: name), purpose: "kubernetes pods.list \(handle.value)")
        let newest = pods.max { lhs, rhs in
            (lhs.member(at: "metadata", "creationTimestamp")?.stringValue ?? "")
                < (rhs.member(at: "metadata", "creationTimestamp")?.stringValue ?? "")
        }
        let empty = ProviderLogChunk(text: "", start: query.offset ?? 0, next: query.offset ?? 0, finished: false)
        guard let pod = newest?.member(at: "metadata", "name")?.stringValue else { return empty }
        let purpose = "kubernetes pods.log \(namespace)/\(pod)"
        let tail = query.offset == nil ? query.maxLines : nil
        let response = try await send(requests.podLog(namespace: namespace, pod: pod, tailLines: tail), purpose: purpose)
        // 400: the container has not started yet ("waiting to start"); 404: the pod went away.
        if response.status == 404 || response.status == 400 { return empty }
        guard response.status == 200 else { throw failure(response, purpose) }
        return LogTail.chunk(of: response.body, query: query)
    }
}
