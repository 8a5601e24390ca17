import PushgateCore

/// Maps a Vertex AI `CustomJob.state` (`JOB_STATE_*`) to a run state (docs/provider-apis.md §9.4). Pure.
/// Prefect's worker (prefect-gcp 0.6.22 `workers/vertex.py`) waits for SUCCEEDED, FAILED, CANCELLED or
/// EXPIRED and reports exit 0 for SUCCEEDED, 1 otherwise; pushgate tells a failed workload (Failed) from
/// one the infrastructure never ran (quota, capacity, an image that is not found, expiry: Crashed).
package enum VertexStatusMapping {
    package static func status(job: JSONValue, cancelRequested: Bool) -> ProviderStatus {
        let state = job["state"]?.stringValue ?? "JOB_STATE_UNSPECIFIED"
        let message = job["error"]?["message"]?.stringValue
        switch state {
        case "JOB_STATE_RUNNING": return ProviderStatus(.running)
        case "JOB_STATE_CANCELLING": return ProviderStatus(.running, reason: "cancelling")
        case "JOB_STATE_SUCCEEDED": return ProviderStatus(.completed, exitCode: 0)
        case "JOB_STATE_CANCELLED":
            if cancelRequested { return ProviderStatus(.cancelled, reason: message ?? "cancelled by the gateway") }
            return ProviderStatus(
                .crashed,
                reason: "the custom job was cancelled without a cancel from the gateway" + (message.map { ": \($0)" } ?? "")
            )
        case "JOB_STATE_EXPIRED": return ProviderStatus(.crashed, reason: message ?? "the custom job expired before it ran")
        case "JOB_STATE_FAILED", "JOB_STATE_PARTIALLY_SUCCEEDED":
            // google.rpc.Code 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE: quota or capacity, the workload never ran.
            let code = job["error"]?["code"]?.intValue
            let text = (message ?? "").lowercased()
            if code == 8 || code == 14 || text.contains("quota") || (text.contains("image") && text.contains("not found")) {
                return ProviderStatus(.crashed, reason: message ?? state)
            }
            return ProviderStatus(.failed, exitCode: exitCode(in: message ?? "") ?? 1, reason: message ?? state)
        default: return ProviderStatus(.pending)  // UNSPECIFIED, QUEUED, PENDING, PAUSED, UPDATING
        }
    }

    /// The replica's exit code from Vertex's message ("The replica workerpool0-0 exited with a non-zero status
    /// of 3. …"); nil when the message names none, and the run then gets Prefect's 1.
    static func exitCode(in message: String) -> Int? {
        guard let range = message.range(of: "non-zero status of ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }
}
