import Foundation
import PushgateCore

/// The Cloud Run V1 Admin API calls (Knative-style, `run.v1` discovery document), as pure request values
/// without the bearer token (docs/provider-apis.md §8.1–§8.5). Paths are
/// `{endpoint}/apis/run.googleapis.com/v1/namespaces/{project}/…`; the endpoint is regional,
/// `https://{region}-run.googleapis.com`, as Prefect's `cloud-run` worker builds it.
package struct CloudRunV1Requests: Sendable {
    /// The profile's `run_endpoint`, when set, replaces the regional endpoint (emulators, private endpoints).
    package var endpointOverride: String?

    package init(endpointOverride: String?) {
        self.endpointOverride = endpointOverride.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// `https://{region}-run.googleapis.com`, or the override.
    package func endpoint(region: String) -> String { endpointOverride ?? "https://\(region)-run.googleapis.com" }

    func base(project: String, region: String) -> String {
        "\(endpoint(region: region))/apis/run.googleapis.com/v1/namespaces/\(project)"
    }

    /// `namespaces.jobs.create`: not idempotent on the wire; the key-derived `metadata.name` turns a
    /// repeat into 409 (§8.2).
    package func createJob(_ spec: CloudRunV1JobSpec) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(base(project: spec.project, region: spec.region))/jobs",
            headers: ["Content-Type": "application/json"],
            body: spec.body.data(),
            isIdempotent: false
        )
    }

    /// `namespaces.jobs.get`.
    package func getJob(project: String, region: String, job: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(base(project: project, region: region))/jobs/\(job)")
    }

    /// `namespaces.jobs.run`: never idempotent, nothing deduplicates it (§8.3). Answers the Execution.
    package func runJob(project: String, region: String, job: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(base(project: project, region: region))/jobs/\(job):run",
            headers: ["Content-Type": "application/json"],
            body: Data("{}".utf8),
            isIdempotent: false
        )
    }

    /// `namespaces.executions.get`.
    package func getExecution(project: String, region: String, execution: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(base(project: project, region: region))/executions/\(execution)")
    }

    /// `namespaces.executions.list` for one job (`labelSelector=run.googleapis.com/job={job}`).
    package func listExecutions(project: String, region: String, job: String) -> HTTPRequest {
        HTTPRequest(
            method: "GET",
            url: "\(base(project: project, region: region))/executions?labelSelector=run.googleapis.com%2Fjob%3D\(job)"
        )
    }

    /// `namespaces.executions.delete`: how pushgate cancels (§8.5); repeating it answers 404.
    package func deleteExecution(project: String, region: String, execution: String) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: "\(base(project: project, region: region))/executions/\(execution)")
    }

    /// `namespaces.jobs.delete` (§8.6).
    package func deleteJob(project: String, region: String, job: String) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: "\(base(project: project, region: region))/jobs/\(job)")
    }
}
