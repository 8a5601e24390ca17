import Foundation
import PushgateCore

/// The Cloud Run v2 REST calls, as pure request values without the bearer token (docs/provider-apis.md
/// §3.2–§3.6). Names are full resource names (`projects/…/jobs/…`), appended to `{endpoint}/v2/`.
package struct CloudRunRequests: Sendable {
    package var endpoint: String

    package init(endpoint: String) { self.endpoint = endpoint }

    /// `jobs.create`: `POST /v2/{parent}/jobs?jobId=…`. Not idempotent on the wire, but the caller-chosen
    /// `jobId` turns a repeat into 409 ALREADY_EXISTS (§1.3).
    package func createJob(_ spec: CloudRunJobSpec) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(endpoint)/v2/\(spec.parent)/jobs?jobId=\(spec.jobID)",
            headers: ["Content-Type": "application/json"],
            body: spec.body.data(),
            isIdempotent: false
        )
    }

    /// `GET /v2/{name}` for a job, execution or operation.
    package func get(_ name: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(endpoint)/v2/\(name)")
    }

    /// `jobs.run`: never idempotent; the caller looks for an execution first (§3.3). The answer is an
    /// Operation whose `metadata` is the Execution, carrying its full name.
    package func runJob(_ jobName: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(endpoint)/v2/\(jobName):run",
            headers: ["Content-Type": "application/json"],
            body: Data("{}".utf8),
            isIdempotent: false
        )
    }

    /// `executions.list`: `GET /v2/{job}/executions`, newest first, one page of at most `pageSize`
    /// (§3.4). It finds an execution a read missed or a handle does not name.
    package func listExecutions(_ jobName: String, pageSize: Int = 100, pageToken: String? = nil) -> HTTPRequest {
        var url = "\(endpoint)/v2/\(jobName)/executions?pageSize=\(pageSize)"
        if let pageToken, !pageToken.isEmpty {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            url += "&pageToken=\(pageToken.addingPercentEncoding(withAllowedCharacters: allowed) ?? pageToken)"
        }
        return HTTPRequest(method: "GET", url: url)
    }

    /// `executions.tasks.list`, for the exit code (§3.4).
    package func listTasks(_ executionName: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(endpoint)/v2/\(executionName)/tasks")
    }

    /// `executions.cancel` (§3.5): repeating it is harmless.
    package func cancelExecution(_ executionName: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(endpoint)/v2/\(executionName):cancel",
            headers: ["Content-Type": "application/json"],
            body: Data("{}".utf8)
        )
    }

    /// `jobs.delete` (§3.6): no `force` parameter exists; refused with FAILED_PRECONDITION while an
    /// execution still runs.
    package func deleteJob(_ jobName: String) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: "\(endpoint)/v2/\(jobName)")
    }

    /// Google's error body `{"error":{"code","message","status"}}`: the `status` text.
    package static func errorStatus(_ response: HTTPResponse) -> String? {
        guard let json = try? JSONValue.parse(response.body) else { return nil }
        return json.member(at: "error", "status")?.stringValue
    }

    /// An unexpected Google answer as a ``ProviderError`` naming the call, with Google's status text and
    /// message: shared by Cloud Run v2, Cloud Run V1 and Vertex AI, which answer with the same error body.
    package static func failure(_ response: HTTPResponse, _ purpose: String) -> ProviderError {
        let message = errorMessage(response).map { ": \($0)" } ?? ""
        return ProviderError(
            ProviderError.Code(httpStatus: response.status),
            "\(purpose): HTTP \(response.status)\(message)",
            httpStatus: response.status,
            providerCode: errorStatus(response)
        )
    }

    /// The error message of a Google error body, if any.
    package static func errorMessage(_ response: HTTPResponse) -> String? {
        guard let json = try? JSONValue.parse(response.body) else { return nil }
        return json.member(at: "error", "message")?.stringValue
    }
}
