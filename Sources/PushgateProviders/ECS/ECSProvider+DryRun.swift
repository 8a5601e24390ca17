import Foundation
import PushgateCore
import PushgateSigning

extension ECSProvider {
    /// The calls a submission makes, in order, signed at `job.now` when credentials need no network,
    /// tokens and secret env values redacted (the signature covers the body as sent): the content-hash look-up (DescribeTaskDefinition of the family), the
    /// RegisterTaskDefinition, and the RunTask, which names the family (its latest ACTIVE revision) where a
    /// real submission names the ARN the first two calls produced. With an existing task definition only
    /// RunTask (after a DescribeTaskDefinition when the container name must be read from it).
    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let plan = try plan(for: job)
        var calls: [(ECSOperation, JSONValue)] = []
        if let existing = plan.existingTaskDefinition {
            if plan.containerName == nil { calls.append((.describeTaskDefinition, ["taskDefinition": .string(existing)])) }
            calls.append((.runTask, plan.runTaskBody(taskDefinition: existing, containerName: ECSSubmissionPlan.defaultContainerName)))
        } else if let registration = plan.registration, let family = plan.family {
            if !plan.autoDeregister {
                calls.append((.describeTaskDefinition, ["taskDefinition": .string(family), "include": ["TAGS"]]))
            }
            calls.append((.registerTaskDefinition, registration))
            calls.append((.runTask, plan.runTaskBody(taskDefinition: family)))
        }
        let signingCredentials = try? await credentials.credentials()
        return try calls.map { operation, body in
            let payload = body.data()
            guard let signingCredentials else {
                return DryRunRedaction.secrets(unsignedRequest(operation, payload: payload, at: job.now), values: job.secretValues)
            }
            let signed = try signedRequest(operation, payload: payload, credentials: signingCredentials, at: job.now)
            return DryRunRedaction.secrets(Redaction.redact(signed, keepSignature: true), values: job.secretValues)
        }
    }

    /// A request whose credentials would come over the network (STS, container, IMDS): everything but the
    /// signature, which is computed when it is sent.
    func unsignedRequest(_ operation: ECSOperation, payload: Data, at date: Date) -> HTTPRequest {
        let url = endpoint + "/"
        let host = (try? AWSSigV4Signer.URLParts(url).host) ?? url
        return HTTPRequest(
            method: "POST",
            url: url,
            headers: [
                "Host": host, "Content-Type": ECSOperation.contentType, "X-Amz-Target": operation.target,
                "X-Amz-Date": AWSSigV4Signer.timestamp(date),
                "Authorization": "AWS4-HMAC-SHA256 <signed when sent, with credentials fetched over the network>",
            ],
            body: payload,
            timeout: requestTimeout,
            isIdempotent: operation.isIdempotent,
            carriesIdempotencyToken: operation.carriesIdempotencyToken
        )
    }
}
