import Foundation
import PushgateCore
import PushgateSigning

/// A read of another AWS service the ECS provider needs: EC2 for the default network
/// (docs/provider-apis.md §2.3), CloudWatch Logs for a task's output (§2.10). Signed with the pool's
/// credentials in the provider's region.
struct AWSCall: Sendable {
    /// How errors name the call (`EC2 DescribeVpcs`).
    var action: String
    /// The SigV4 signing name (`ec2`, `logs`).
    var service: String
    var url: String
    var headers: [(name: String, value: String)]
}

extension ECSProvider {
    /// `call` with `body`, signed with `credentials` at `date`.
    func awsRequest(_ call: AWSCall, body: Data, credentials: AWSCredentials, at date: Date) throws -> HTTPRequest {
        let signer = AWSSigV4Signer(credentials: credentials, service: call.service, region: region)
        let signed: AWSSignedRequest
        do {
            signed = try signer.sign(method: "POST", url: call.url, headers: call.headers, body: body, date: date)
        } catch let error as SigningError {
            throw ProviderError(.invalidConfiguration, "\(call.action): cannot sign for \(call.url): \(error.message)")
        }
        return HTTPRequest(
            method: "POST",
            url: call.url,
            headers: HTTPHeaders(signed.headers),
            body: body,
            timeout: requestTimeout,
            isIdempotent: true
        )
    }

    /// Sends a read with the provider's retry rules (a read may always be retried) and returns the answer's
    /// body; an error answer (JSON `__type` or XML `<Code>`, ``ECSErrorResponse``) names the call and AWS's code.
    func awsRead(_ call: AWSCall, body: Data) async throws -> Data {
        let current: AWSCredentials
        do {
            current = try await credentials.credentials()
        } catch let error as CredentialsError {
            throw ProviderError(.unauthorized, "\(call.action): no AWS credentials: \(error.message)", httpStatus: error.httpStatus)
        }
        var attempt = 1
        while true {
            let request = try awsRequest(call, body: body, credentials: current, at: clock.now().addingTimeInterval(state.skew.withLock { $0 }))
            let failure: RetryFailure
            var answer: ECSErrorResponse?
            do {
                let response = try await http.execute(request)
                if (200..<300).contains(response.status) { return response.body }
                let error = ECSErrorResponse(status: response.status, headers: response.headers, body: response.body)
                answer = error
                failure = .response(status: response.status, headers: response.headers, errorCode: error.code)
            } catch let error as HTTPClientError {
                failure = .transport(error)
            }
            let now = clock.now()
            let decision = state.random.withLock { random in
                retryPolicy.decide(after: failure, attempt: attempt, method: "POST", isIdempotent: true, now: now, using: &random)
            }
            switch decision {
            case .retry(let delay):
                try await clock.sleep(until: now.addingTimeInterval(delay))
                attempt += 1
            case .lookUpBeforeResend, .giveUp:
                if case .giveUp(.cancelled) = decision { throw CancellationError() }
                guard let answer else {
                    let what = if case .transport(let error) = failure { error.description } else { "no answer" }
                    throw ProviderError(.unavailable, "\(call.action): \(what) (after \(attempt) attempts)")
                }
                let code = answer.code ?? ""
                let kind: ProviderError.Code =
                    switch answer.status {
                    case 401, 403: .unauthorized
                    case 429: .throttled
                    case 500...: .unavailable
                    default:
                        code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException") || code.hasSuffix(".Malformed")
                            ? .notFound : .rejected
                    }
                throw ProviderError(
                    kind,
                    "\(call.action): HTTP \(answer.status) \(code): \(answer.message ?? "")",
                    httpStatus: answer.status,
                    providerCode: answer.code
                )
            }
        }
    }
}
