import Foundation
import PushgateCore

/// Polling (docs/provider-apis.md §10.3): per namespace one LIST of Jobs and one LIST of pods, each selecting
/// the polled runs by label (batched, ``KubernetesProvider/selectorBatch`` run ids a call); a Job the LIST
/// does not show is read by name before it counts as gone.
extension KubernetesProvider {
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        let byNamespace = Dictionary(grouping: targets) { Self.parts($0.handle).namespace }
        for (namespace, group) in byNamespace.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: group.count, by: Self.selectorBatch) {
                let batch = Array(group[start..<min(group.count, start + Self.selectorBatch)])
                do {
                    try await poll(batch, namespace: namespace, into: &out)
                } catch {
                    firstError = firstError ?? error
                }
            }
        }
        if out.isEmpty, let firstError { throw firstError }
        return out
    }

    private func poll(_ targets: [PollTarget], namespace: String, into out: inout [ProviderHandle: ProviderStatus]) async throws {
        let runIDs = Array(Set(targets.map(\.job.runID)))
        let jobs = try await list(requests.listJobs(namespace: namespace, runIDs: runIDs), purpose: "kubernetes jobs.list \(namespace)")
        let pods = try await list(requests.listPods(namespace: namespace, runIDs: runIDs), purpose: "kubernetes pods.list \(namespace)")
        var jobsByName: [String: JSONValue] = [:]
        for job in jobs { if let name = job.member(at: "metadata", "name")?.stringValue { jobsByName[name] = job } }
        var podsByJob: [String: [JSONValue]] = [:]
        for pod in pods {
            if let name = pod.member(at: "metadata", "labels", "job-name")?.stringValue { podsByJob[name, default: []].append(pod) }
        }
        for target in targets {
            let name = Self.parts(target.handle).name
            var job = jobsByName[name]
            if job == nil {
                let purpose = "kubernetes jobs.get \(target.handle.value)"
                let response = try await send(requests.getJob(namespace: namespace, name: name), purpose: purpose)
                if response.status == 200 {
                    job = try json(response, purpose)
                } else if response.status != 404 {
                    throw failure(response, purpose)
                }
            }
            guard let job else {
                out[target.handle] = KubernetesStatusMapping.missing(cancelRequested: target.cancelRequested)
                continue
            }
            out[target.handle] = KubernetesStatusMapping.status(
                job: job,
                pods: podsByJob[name] ?? [],
                cancelRequested: target.cancelRequested,
                submittedAt: target.submittedAt,
                now: target.now,
                podWatchTimeout: TimeInterval(target.job.configuration["pod_watch_timeout_seconds"]?.intValue ?? 60)
            )
        }
    }

    /// The `items` of a LIST.
    func list(_ request: HTTPRequest, purpose: String) async throws -> [JSONValue] {
        let response = try await send(request, purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose) }
        return try json(response, purpose)["items"]?.arrayValue ?? []
    }
}
