import Foundation
import PushgateCore

/// Submission: create (or adopt) the job, wait for its `Ready` condition, then start exactly one
/// execution and return its handle (docs/provider-apis.md §1.3, §8.2, §8.3).
extension CloudRunV1Provider {
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let purpose = "Cloud Run V1 jobs.create \(spec.jobName)"
        var createdHere = false
        do {
            let response = try await api.send(requests.createJob(spec), purpose: purpose)
            switch response.status {
            case 200..<300: createdHere = true
            case 409: break  // ALREADY_EXISTS: ours from an earlier attempt; adopt it below.
            case 404:
                throw ProviderError(
                    .invalidConfiguration,
                    "\(purpose): HTTP 404: wrong project or region? (namespaces/\(spec.project) in \(spec.region))",
                    httpStatus: 404,
                    providerCode: CloudRunRequests.errorStatus(response)
                )
            default: throw failure(response, purpose)
            }
        } catch let error as ProviderError where error.code == .ambiguous {
            // The create may have happened: look the job up; a repeat create is then safe (409).
            if try await fetchJob(spec) == nil {
                let response = try await api.send(requests.createJob(spec), purpose: purpose)
                guard (200..<300).contains(response.status) || response.status == 409 else { throw failure(response, purpose) }
            }
        }
        let ready = try await waitUntilReady(spec)
        if !createdHere, let existing = latestExecution(ready) {
            return CloudRunV1Handle(project: spec.project, job: spec.jobName, execution: existing).handle
        }
        return try await startExecution(spec)
    }

    /// The job's execution: a job without one is not yet a workload (nil), so `submit` adopts it (409)
    /// and runs it once.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        guard let found = try await fetchJob(spec), let execution = latestExecution(found) else { return nil }
        return CloudRunV1Handle(project: spec.project, job: spec.jobName, execution: execution).handle
    }

    /// `status.latestCreatedExecution.name` of a job: its one execution.
    func latestExecution(_ job: JSONValue) -> String? {
        job["status"]?["latestCreatedExecution"]?.nonEmptyString("name")
    }

    /// `GET job`, nil on 404.
    func fetchJob(_ spec: CloudRunV1JobSpec) async throws -> JSONValue? {
        let purpose = "Cloud Run V1 jobs.get \(spec.jobName)"
        let response = try await api.send(requests.getJob(project: spec.project, region: spec.region, job: spec.jobName), purpose: purpose)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        return try json(response, purpose)
    }

    /// Re-reads the job until `Ready` is `True` (Prefect's `_wait_for_job_creation`); a `Ready` false
    /// (`ContainerMissing`: the image is not found) deletes the job unless `keep_job` and refuses the
    /// submission with the condition's message, so the run ends Crashed.
    /// The job is known to exist here, so a 404 is read again a few times before it counts as gone (stale
    /// reads, as for v2).
    private func waitUntilReady(_ spec: CloudRunV1JobSpec) async throws -> JSONValue {
        let deadline = clock.now().addingTimeInterval(configuration.operationTimeout)
        var misses = 0
        while true {
            guard let job = try await fetchJob(spec) else {
                misses += 1
                if misses <= CloudRunV2Provider.notFoundRereads && clock.now() < deadline {
                    try await clock.sleep(until: clock.now().addingTimeInterval(configuration.operationPollInterval))
                    continue
                }
                throw ProviderError(.notFound, "Cloud Run V1 jobs.get \(spec.jobName): the job disappeared before it ran")
            }
            if CloudRunV1StatusMapping.isReady(job) { return job }
            if let failed = CloudRunV1StatusMapping.jobNotReady(job) {
                if !spec.keepJob {
                    _ = try? await api.send(
                        requests.deleteJob(project: spec.project, region: spec.region, job: spec.jobName),
                        purpose: "Cloud Run V1 jobs.delete \(spec.jobName)"
                    )
                }
                throw ProviderError(
                    .rejected,
                    "Cloud Run V1 job \(spec.jobName) is not ready: \(failed.reason ?? "")",
                    providerCode: "JOB_NOT_READY"
                )
            }
            guard clock.now() < deadline else {
                throw ProviderError(.unavailable, "Cloud Run V1 job \(spec.jobName) was not ready in time")
            }
            try await clock.sleep(until: clock.now().addingTimeInterval(configuration.operationPollInterval))
        }
    }

    /// `jobs.run` once: the answer is the Execution (`metadata.name`). After an ambiguous failure the job
    /// is re-read and an execution found is adopted; one found nowhere is run once more; a failed re-read
    /// gives up rather than risk a second execution (§8.3).
    private func startExecution(_ spec: CloudRunV1JobSpec) async throws -> ProviderHandle {
        let purpose = "Cloud Run V1 jobs.run \(spec.jobName)"
        for _ in 0..<2 {
            do {
                let response = try await api.send(requests.runJob(project: spec.project, region: spec.region, job: spec.jobName), purpose: purpose)
                guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
                let execution = (try? JSONValue.parse(response.body))?["metadata"]?.nonEmptyString("name")
                return CloudRunV1Handle(project: spec.project, job: spec.jobName, execution: execution).handle
            } catch let error as ProviderError where error.code == .ambiguous {
                guard let reread = try await fetchJob(spec) else { throw error }
                if let started = latestExecution(reread) {
                    return CloudRunV1Handle(project: spec.project, job: spec.jobName, execution: started).handle
                }
            }
        }
        throw ProviderError(.ambiguous, "\(purpose): the execution could not be confirmed; look the run up before re-sending")
    }
}
