import Foundation
import PushgateCore
import PushgateSigning

extension ECSProvider {
    /// The calls a submission makes, in order, signed at `job.now` when credentials need no network,
    /// tokens and secret env values redacted (the signature covers the body as sent): for an awsvpc task
    /// without a network, the EC2 look-up of the default one (``ECSNetworkDiscovery``); the content-hash look-up (DescribeTaskDefinition of the family), the
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
        var requests: [HTTPRequest] = []
        if let discovery = plan.networkDiscovery {
            // The look-up of the default network; the subnets it finds are shown as a placeholder.
            let vpcBody = discovery.describeVpcsBody
            let subnetsBody = ECSNetworkDiscovery.describeSubnetsBody(vpcID: discovery.vpcID ?? "<id of the default VPC>")
            for body in [vpcBody, subnetsBody] {
                if let signingCredentials {
                    requests.append(Redaction.redact(try ec2Request(body, credentials: signingCredentials, at: job.now), keepSignature: true))
                } else {
                    var request = try ec2Request(body, credentials: AWSCredentials(accessKeyID: "", secretAccessKey: ""), at: job.now)
                    request.headers.replace("Authorization", ECSProvider.signedWhenSent)
                    requests.append(request)
                }
            }
            calls = calls.map { operation, body in
                guard operation == .runTask, case .object(var members) = body else { return (operation, body) }
                members["networkConfiguration"] = discovery.placeholderNetworkConfiguration
                return (operation, .object(members))
            }
        }
        for (operation, body) in calls {
            let payload = body.data()
            guard let signingCredentials else {
                requests.append(unsignedRequest(operation, payload: payload, at: job.now))
                continue
            }
            requests.append(
                Redaction.redact(try signedRequest(operation, payload: payload, credentials: signingCredentials, at: job.now), keepSignature: true)
            )
        }
        return requests.map { DryRunRedaction.secrets($0, values: job.secretValues) }
    }

    /// The `Authorization` a dry run shows when the credentials would come over the network.
    static let signedWhenSent = "AWS4-HMAC-SHA256 <signed when sent, with credentials fetched over the network>"

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
                "Authorization": ECSProvider.signedWhenSent,
            ],
            body: payload,
            timeout: requestTimeout,
            isIdempotent: operation.isIdempotent,
            carriesIdempotencyToken: operation.carriesIdempotencyToken
        )
    }
}
