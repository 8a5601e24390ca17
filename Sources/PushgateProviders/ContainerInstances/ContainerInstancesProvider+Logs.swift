import Foundation
import PushgateCore

extension ContainerInstancesProvider {
    /// The first container's output, `GET …/containers/{name}/logs` (docs/provider-apis.md §4.3). ACI
    /// answers the text without offsets, so following reads it whole and returns what lies past `offset`
    /// (a byte offset into that text); a tail is its last lines. A group not created yet, or deleted
    /// already, has no output to show: empty.
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        let spec = try spec(job)
        let resourceID = try resourceID(handle, job: job)
        let container = spec.body["properties"]?["containers"]?.arrayValue?.first?["name"]?.stringValue ?? spec.name
        let purpose = "ACI containers.listLogs \(handle.value)"
        let response = try await api.send(requests.logs(resourceID, container: container, tail: nil), purpose: purpose)
        if response.status == 404 { return ProviderLogChunk(text: "", start: query.offset ?? 0, next: query.offset ?? 0, finished: false) }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        let content = try json(response, purpose)["content"]?.stringValue ?? ""
        return LogTail.chunk(of: Data(content.utf8), query: query)
    }
}
