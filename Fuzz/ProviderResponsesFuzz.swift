import Foundation
import PushgateCore
import PushgateProviders

// libFuzzer entry: any bytes as an answer a provider or its token endpoint could send, read by the code that
// reads it in production. The first byte picks the reader, the rest is the answer: ECS tasks and error bodies,
// Cloud Run v2 and V1 executions and jobs, ACI groups, Vertex custom jobs, Kubernetes Jobs with their pods,
// Google and Entra token answers, Retry-After and HTTP dates, provider handles, and Modal's protobuf messages
// with their gRPC framing and status details. Nothing may crash or hang. Built by scripts/fuzz.sh as a module
// of its own over PushgateProviders, PushgateSigning and PushgateCore.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProviderResponses(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let body = Data(bytes: data + 1, count: size - 1)
    let text = String(decoding: body, as: UTF8.self)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    switch selector % 8 {
    case 0:
        ProviderResponsesFuzz.json(body)
    case 1:
        _ = ECSErrorResponse(status: 400, headers: ["x-amzn-errortype": text], body: body)
        _ = ECSErrorResponse.normalize(text)
        _ = ECSTaskHandle(ProviderHandle(text))
        _ = try? CloudRunV1Handle.parse(ProviderHandle(text))
        _ = try? CloudRunHandle.parse(ProviderHandle(text)) { ("p", "us-central1") }
    case 2:
        let request = HTTPRequest(method: "POST", url: "https://oauth2.example/token")
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
        _ = try? GoogleServiceAccountTokenProvider.parse(response, request: request, purpose: "fuzz", now: now)
        _ = try? AzureClientSecretTokenProvider.parse(response, request: request, purpose: "fuzz", now: now)
        _ = CredentialEndpoint.providerErrorCode(body)
        _ = CredentialEndpoint.date(text)
    case 3:
        for header in [RetryAfterHeader.retryAfter, .milliseconds("retry-after-ms")] {
            _ = header.wait(in: ["Retry-After": text, "retry-after-ms": text], now: now)
        }
        _ = HTTPDate.parse(text)
    case 4:
        _ = try? GRPCFrame.decode(body, method: "/modal.client.ModalClient/Fuzz")
        _ = GRPCStatus.retryAfter(detailsBin: text)
        _ = GRPCStatus.percentDecoded(text)
        _ = GRPCStatus.of(HTTPResponse(status: 200, headers: ["grpc-status": text, "grpc-message": text], body: body))
    default:
        ProviderResponsesFuzz.protobuf([UInt8](body))
    }
    return 0
}

enum ProviderResponsesFuzz {
    /// One JSON answer through every status mapping that reads JSON.
    static func json(_ body: Data) {
        guard let value = try? JSONValue.parse(body) else { return }
        let job = SubmissionJob(
            runID: "r",
            attempt: 1,
            poolName: "p",
            deploymentName: "d",
            queueName: "q",
            configuration: value,
            now: Date(timeIntervalSince1970: 1_800_000_000)
        )
        let target = PollTarget(handle: ProviderHandle("h"), job: job, submittedAt: job.now, now: job.now.addingTimeInterval(90))
        for cancel in [false, true] {
            _ = ECSStatusMapping.status(task: value, target: target)
            _ = ECSStatusMapping.mainContainer(of: value)
            _ = CloudRunStatusMapping.status(execution: value, cancelRequested: cancel)
            _ = CloudRunStatusMapping.jobNotReady(value)
            _ = CloudRunV1StatusMapping.status(execution: value, cancelRequested: cancel)
            _ = CloudRunV1StatusMapping.jobNotReady(value)
            _ = ContainerGroupStatusMapping.status(group: value, cancelRequested: cancel)
            _ = VertexStatusMapping.status(job: value, cancelRequested: cancel)
            _ = KubernetesStatusMapping.status(
                job: value,
                pods: value["items"]?.arrayValue ?? [value],
                cancelRequested: cancel,
                submittedAt: job.now,
                now: target.now,
                podWatchTimeout: 60
            )
        }
    }

    /// Protobuf bytes through the reader and every Modal response message read from them.
    static func protobuf(_ bytes: [UInt8]) {
        var reader = ProtobufReader(bytes)
        _ = try? reader.readAll()
        guard let message = try? ProtobufMessage(bytes) else { return }
        _ = try? ModalMessages.authToken(message)
        _ = try? ModalMessages.objectID(message)
        _ = try? ModalMessages.imageResult(message)
        _ = try? ModalMessages.imageJoinEntry(message)
        _ = try? ModalMessages.sandboxes(message)
        _ = try? ModalMessages.sandboxResult(message)
        _ = try? ModalMessages.sandboxTask(message)
        if let result = try? ModalMessages.sandboxResult(message) {
            _ = ModalStatusMapping.status(result: result, taskStarted: true, cancelRequested: false)
        }
    }
}
