import Foundation
import PushgateCore

/// Submission: create (or adopt) the job, wait until it is ready, then start exactly one execution and
/// return its full name as the handle (docs/provider-apis.md §1.3, §3.2, §3.3).
extension CloudRunV2Provider {
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let purpose = "Cloud Run jobs.create \(spec.jobName)"
        var createdJob: JSONValue?
        // Only a job this call created is known to have no execution; an adopted one is looked into.
        var createdHere = false
        do {
            let response = try await api.send(requests.createJob(spec), purpose: purpose)
            switch response.status {
            case 200..<300:
                createdHere = true
                createdJob = try await waitForOperation(try json(response, purpose), purpose: purpose, spec: spec)
            case 409:
                break  // ALREADY_EXISTS: ours from an earlier attempt; adopt it below.
            case 404:
                throw ProviderError(
                    .invalidConfiguration,
                    "\(purpose): HTTP 404: wrong project or region? (\(spec.parent))",
                    httpStatus: 404,
                    providerCode: CloudRunRequests.errorStatus(response)
                )
            default:
                throw failure(response, purpose)
            }
        } catch let error as ProviderError where error.code == .ambiguous {
            // The create may have happened: look the job up; a repeat create is then safe (409).
            if try await fetchJob(spec.jobName) == nil {
                let response = try await api.send(requests.createJob(spec), purpose: purpose)
                guard (200..<300).contains(response.status) || response.status == 409 else { throw failure(response, purpose) }
            }
        }
        let readyJob = try await waitUntilReady(spec: spec, known: createdJob)
        let execution = try await startExecution(spec: spec, job: readyJob, adopted: !createdHere)
        return CloudRunHandle(jobName: spec.jobName, executionName: execution).handle
    }

    /// The job's execution by full name (listing the job's executions when `latestCreatedExecution` is
    /// not set). A job without an execution is not yet a workload: `submit` adopts it (409) and runs it once.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        guard let found = try await fetchJob(spec.jobName),
            let execution = try await existingExecution(spec.jobName, job: found, listing: true)
        else { return nil }
        return CloudRunHandle(jobName: spec.jobName, executionName: execution).handle
    }

    /// `GET job`, nil on 404.
    func fetchJob(_ jobName: String) async throws -> JSONValue? {
        let purpose = "Cloud Run jobs.get \(jobName)"
        let response = try await api.send(requests.get(jobName), purpose: purpose)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        return try json(response, purpose)
    }

    /// How many 404s in a row on a job known to exist are read again before the job counts as gone.
    static let notFoundRereads = 5

    /// Polls the create operation until `done`; its `error` means the job could not be created.
    private func waitForOperation(_ operation: JSONValue, purpose: String, spec: CloudRunJobSpec) async throws -> JSONValue? {
        var current = operation
        let deadline = clock.now().addingTimeInterval(configuration.operationTimeout)
        while current["done"]?.boolValue != true {
            guard let name = current.nonEmptyString("name") else { return nil }
            guard clock.now() < deadline else {
                throw ProviderError(.unavailable, "\(purpose): the operation \(name) was not done in time")
            }
            try await clock.sleep(until: clock.now().addingTimeInterval(configuration.operationPollInterval))
            let response = try await api.send(requests.get(name), purpose: "Cloud Run operations.get \(name)")
            guard (200..<300).contains(response.status) else { throw failure(response, "Cloud Run operations.get \(name)") }
            current = try json(response, purpose)
        }
        if let error = current["error"], !error.isBlankValue {
            try await deleteAfterFailedCreate(spec)
            throw ProviderError(
                .rejected,
                "\(purpose): the job could not be created: \(error["message"]?.stringValue ?? "unknown error")",
                providerCode: "OPERATION_FAILED"
            )
        }
        return current["response"]
    }

    /// Re-reads the job until its Ready condition settles (an adopted job may still be creating). The job is
    /// known to exist here (created, or a 409), so a 404 is read again a few times before it counts as gone:
    /// jobs.get is eventually consistent and can miss a job that exists (docs/provider-apis.md §3.3).
    private func waitUntilReady(spec: CloudRunJobSpec, known: JSONValue?) async throws -> JSONValue {
        let deadline = clock.now().addingTimeInterval(configuration.operationTimeout)
        var job = known
        var misses = 0
        while true {
            if job == nil || job?["terminalCondition"]?["state"]?.stringValue != "CONDITION_SUCCEEDED" {
                job = try await fetchJob(spec.jobName)
            }
            guard let current = job else {
                misses += 1
                if misses <= Self.notFoundRereads && clock.now() < deadline {
                    try await clock.sleep(until: clock.now().addingTimeInterval(configuration.operationPollInterval))
                    continue
                }
                throw ProviderError(.notFound, "Cloud Run jobs.get \(spec.jobName): the job disappeared before it ran")
            }
            if let failed = CloudRunStatusMapping.jobNotReady(current) {
                try await deleteAfterFailedCreate(spec)
                throw ProviderError(
                    .rejected,
                    "Cloud Run job \(spec.jobName) is not ready: \(failed.reason ?? "")",
                    providerCode: "JOB_NOT_READY"
                )
            }
            let condition = current["terminalCondition"]
            if condition == nil || condition?["state"]?.stringValue == "CONDITION_SUCCEEDED" { return current }
            guard clock.now() < deadline else {
                throw ProviderError(.unavailable, "Cloud Run job \(spec.jobName) was not ready in time")
            }
            try await clock.sleep(until: clock.now().addingTimeInterval(configuration.operationPollInterval))
            job = nil
        }
    }

    /// `jobs.run` once and the started execution's full name (Prefect's `_begin_job_execution`, §3.3):
    /// an adopted job's existing execution is taken instead of running again; the name comes from the
    /// operation's `metadata`, else from listing the job's executions; after an ambiguous failure the job
    /// is re-read (and its executions listed) and a found execution adopted. nil when the run was
    /// accepted but no execution could be seen yet: the handle is then the job, resolved when polled.
    private func startExecution(spec: CloudRunJobSpec, job: JSONValue, adopted: Bool) async throws -> String? {
        // An earlier attempt already started it.
        if let existing = try await existingExecution(spec.jobName, job: job, listing: adopted) { return existing }
        let purpose = "Cloud Run jobs.run \(spec.jobName)"
        for _ in 0..<2 {
            do {
                let response = try await api.send(requests.runJob(spec.jobName), purpose: purpose)
                guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
                if let operation = try? JSONValue.parse(response.body),
                    let name = executionName(runOperation: operation, jobName: spec.jobName)
                {
                    return name
                }
                // The operation names no execution: the newest listed one is it (one per job).
                let listed = try? await listExecutions(spec.jobName)
                return listed?.first?.nonEmptyString("name").map { CloudRunHandle.executionName($0, jobName: spec.jobName) }
            } catch let error as ProviderError where error.code == .ambiguous {
                // Fail fast if the re-read fails: never risk a second execution.
                guard let reread = try await fetchJob(spec.jobName) else { throw error }
                if let started = try await existingExecution(spec.jobName, job: reread, listing: true) { return started }
            }
        }
        throw ProviderError(.ambiguous, "\(purpose): the execution could not be confirmed; look the run up before re-sending")
    }

    private func deleteAfterFailedCreate(_ spec: CloudRunJobSpec) async throws {
        guard !spec.keepJob else { return }
        _ = try? await api.send(requests.deleteJob(spec.jobName), purpose: "Cloud Run jobs.delete \(spec.jobName)")
    }
}
