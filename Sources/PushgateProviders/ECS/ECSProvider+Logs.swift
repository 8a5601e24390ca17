import Foundation
import PushgateCore

extension ECSProvider {
    /// The task's output from CloudWatch Logs (`GetLogEvents` on its awslogs stream, ``ECSLogStream``);
    /// nil when the run's definition logs elsewhere, so the caller says there are no logs through pushgate.
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        guard let stream = ECSLogStream.locate(plan: try plan(for: job), handle: handle) else { return nil }
        let call = AWSCall(
            action: "CloudWatch Logs GetLogEvents",
            service: "logs",
            url: logsEndpoint + "/",
            headers: [(name: "Content-Type", value: ECSLogStream.contentType), (name: "X-Amz-Target", value: ECSLogStream.target)]
        )
        let answer: Data
        do {
            answer = try await awsRead(call, body: stream.request(query).data())
        } catch let error as ProviderError where error.code == .notFound {
            // The stream appears with the container's first line: nothing written yet.
            return ProviderLogChunk(text: "", start: query.offset ?? 0, next: query.offset ?? 0, finished: false)
        }
        guard let parsed = try? JSONValue.parse(answer) else {
            throw ProviderError(.unavailable, "CloudWatch Logs GetLogEvents: unreadable answer")
        }
        return ECSLogStream.chunk(parsed, query: query)
    }
}
