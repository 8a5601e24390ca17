import Foundation
import PushgateCore

extension KubernetesProvider {
    /// The create a submission sends, with the bearer token shown as a placeholder (a client key never
    /// appears in a request: libcurl reads it from its file) and secret env values hidden by the shared rule
    /// (``DryRunRedaction``: `{name, value}` items under `env` with a secret name, and the template's secrets).
    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        var request = requests.createJob(try spec(job))
        if connection.token != nil { request.headers.replace("Authorization", "Bearer \(DryRunRedaction.redacted)") }
        return [DryRunRedaction.secrets(Redaction.redact(request), values: job.secretValues)]
    }
}
