import Foundation
import PushgateCore

/// Submit, look up, cancel and clean up (docs/provider-apis.md §1.3, §10.2, §10.4).
extension KubernetesProvider {
    /// Creates the Job under its deterministic name. A 409 `AlreadyExists` means an earlier try of this
    /// attempt created it (adopted when its run label matches) or another run owns the name (an error, never
    /// a second Job). An ambiguous failure is looked up before anything is sent again.
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let purpose = "kubernetes jobs.create \(spec.namespace)/\(spec.name)"
        let response: HTTPResponse
        do {
            response = try await send(requests.createJob(spec), purpose: purpose)
        } catch let error as ProviderError where error.code == .ambiguous {
            guard let existing = try await adopt(spec, job: job, purpose: purpose) else { throw error }
            return existing
        }
        switch response.status {
        case 200, 201, 202:
            return handle(spec)
        case 409 where KubernetesRequests.reason(response) == "AlreadyExists":
            guard let existing = try await adopt(spec, job: job, purpose: purpose) else {
                throw ProviderError(.ambiguous, "\(purpose): AlreadyExists but the Job cannot be read; look the run up again", httpStatus: 409)
            }
            return existing
        case 422, 400:
            throw ProviderError(
                .rejected,
                failure(response, purpose).message,
                httpStatus: response.status,
                providerCode: KubernetesRequests.reason(response)
            )
        default:
            throw failure(response, purpose)
        }
    }

    /// The Job of this attempt, by name, when it carries this run's label.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        return try await adopt(spec, job: job, purpose: "kubernetes jobs.get \(spec.namespace)/\(spec.name)")
    }

    /// `DELETE` with `propagationPolicy: Foreground`: the Job stays, with a deletion timestamp, until the
    /// garbage collector has removed its pods; polling reports Cancelled once it is gone. 404 is fine.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let (namespace, name) = Self.parts(handle)
        let purpose = "kubernetes jobs.delete \(handle.value)"
        let response = try await send(requests.deleteJob(namespace: namespace, name: name, propagation: "Foreground"), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// A Job that finished (Complete or Failed) is left to its `ttlSecondsAfterFinished`, or kept like Prefect's
    /// worker keeps it when there is none, so `run logs` still reads it. One that never finished (a run Crashed
    /// on an image-pull failure or a timeout) is deleted with its pods, so nothing is left retrying.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        let (namespace, name) = Self.parts(handle)
        let read = "kubernetes jobs.get \(handle.value)"
        let response = try await send(requests.getJob(namespace: namespace, name: name), purpose: read)
        if response.status == 404 { return }
        guard response.status == 200 else { throw failure(response, read) }
        let conditions = try json(response, read).member(at: "status", "conditions")?.arrayValue ?? []
        let finished = conditions.contains { condition in
            condition["status"]?.stringValue == "True" && ["Complete", "Failed"].contains(condition["type"]?.stringValue ?? "")
        }
        if finished { return }
        let purpose = "kubernetes jobs.delete \(handle.value)"
        let deleted = try await send(requests.deleteJob(namespace: namespace, name: name, propagation: "Background"), purpose: purpose)
        guard (200..<300).contains(deleted.status) || deleted.status == 404 else { throw failure(deleted, purpose) }
    }

    func handle(_ spec: KubernetesJobSpec) -> ProviderHandle { ProviderHandle("\(spec.namespace)/\(spec.name)") }

    /// `GET` the Job by name: nil on 404; the handle when its run label is this run's; an error naming both
    /// runs when the name belongs to another.
    func adopt(_ spec: KubernetesJobSpec, job: SubmissionJob, purpose: String) async throws -> ProviderHandle? {
        let response = try await send(requests.getJob(namespace: spec.namespace, name: spec.name), purpose: purpose)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response, purpose) }
        let existing = try json(response, purpose)
        let owner = existing.member(at: "metadata", "labels", KubernetesJobSpec.runLabel)?.stringValue
        guard owner == KubernetesJobSpec.labelValue(job.runID) else {
            throw ProviderError(
                .conflict,
                "\(purpose): a Job named \(spec.name) already exists in namespace \(spec.namespace) and belongs to "
                    + (owner.map { "run \($0)" } ?? "no pushgate run") + ", not run \(job.runID); delete it or rename it",
                httpStatus: 409,
                providerCode: "AlreadyExists"
            )
        }
        return handle(spec)
    }
}
