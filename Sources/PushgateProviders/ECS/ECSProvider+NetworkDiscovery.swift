import Foundation
import PushgateCore
import PushgateSigning

extension ECSProvider {
    /// The `networkConfiguration` of an awsvpc task whose configuration names none: EC2 `DescribeVpcs` then
    /// `DescribeSubnets` (``ECSNetworkDiscovery``), signed with the pool's credentials and cached per VPC
    /// choice, since this provider serves one account and region (docs/provider-apis.md §2.3).
    func network(for discovery: ECSNetworkDiscovery, at date: Date) async throws -> JSONValue {
        if let known = state.networks.withLock({ $0[discovery.cacheKey] }) { return known }
        let vpc = try discovery.vpc(fromDescribeVpcs: try await ec2Call("DescribeVpcs", discovery.describeVpcsBody, at: date))
        let subnets = try await ec2Call("DescribeSubnets", ECSNetworkDiscovery.describeSubnetsBody(vpcID: vpc), at: date)
        let network = try discovery.networkConfiguration(fromDescribeSubnets: subnets, vpc: vpc)
        state.networks.withLock { $0[discovery.cacheKey] = network }
        return network
    }

    /// An EC2 Query call signed with `credentials` at `date` (service `ec2`, the provider's region).
    func ec2Request(_ body: String, credentials: AWSCredentials, at date: Date) throws -> HTTPRequest {
        let url = ec2Endpoint + "/"
        let payload = Data(body.utf8)
        let signer = AWSSigV4Signer(credentials: credentials, service: "ec2", region: region)
        let signed: AWSSignedRequest
        do {
            signed = try signer.sign(
                method: "POST",
                url: url,
                headers: [(name: "Content-Type", value: ECSNetworkDiscovery.contentType)],
                body: payload,
                date: date
            )
        } catch let error as SigningError {
            throw ProviderError(.invalidConfiguration, "EC2: cannot sign for \(url): \(error.message)")
        }
        return HTTPRequest(
            method: "POST",
            url: url,
            headers: HTTPHeaders(signed.headers),
            body: payload,
            timeout: requestTimeout,
            isIdempotent: true
        )
    }

    /// Sends an EC2 read with the provider's retry rules (both calls are reads, so any failure may be
    /// retried) and returns the XML answer; an error answer names the action and EC2's code.
    private func ec2Call(_ action: String, _ body: String, at date: Date) async throws -> String {
        let current: AWSCredentials
        do {
            current = try await credentials.credentials()
        } catch let error as CredentialsError {
            throw ProviderError(.unauthorized, "EC2 \(action): no AWS credentials: \(error.message)", httpStatus: error.httpStatus)
        }
        var attempt = 1
        while true {
            let request = try ec2Request(body, credentials: current, at: clock.now().addingTimeInterval(state.skew.withLock { $0 }))
            let failure: RetryFailure
            var answer: (status: Int, code: String, message: String)?
            do {
                let response = try await http.execute(request)
                let text = String(decoding: response.body, as: UTF8.self)
                if (200..<300).contains(response.status) { return text }
                let error = ECSNetworkDiscovery.error(in: text)
                answer = (response.status, error?.code ?? "", error?.message ?? "")
                failure = .response(status: response.status, headers: response.headers, errorCode: error?.code)
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
                    throw ProviderError(.unavailable, "EC2 \(action): \(what) (after \(attempt) attempts)")
                }
                let code: ProviderError.Code =
                    switch answer.status {
                    case 401, 403: .unauthorized
                    case 429: .throttled
                    case 500...: .unavailable
                    default: answer.code.hasSuffix(".NotFound") || answer.code.hasSuffix(".Malformed") ? .invalidConfiguration : .rejected
                    }
                throw ProviderError(
                    code,
                    "EC2 \(action): HTTP \(answer.status) \(answer.code): \(answer.message)",
                    httpStatus: answer.status,
                    providerCode: answer.code
                )
            }
        }
    }
}
