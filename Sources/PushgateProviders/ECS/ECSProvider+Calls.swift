import Foundation
import PushgateCore
import PushgateSigning

extension ECSProvider {
    /// The outcome of one ECS call after retries: the JSON answer, or the error answer that ended it.
    package enum CallOutcome: Sendable {
        case success(JSONValue)
        case failure(ECSErrorResponse, ProviderError)
    }

    /// Sends `operation` and returns its JSON answer; throws ``ProviderError``.
    package func call(_ operation: ECSOperation, _ body: JSONValue) async throws -> JSONValue {
        switch try await send(operation, body) {
        case .success(let answer): return answer
        case .failure(_, let error): throw error
        }
    }

    /// Sends `operation` with retries under ``retryPolicy`` (throttling, 5xx, `x-amz-retry-after`, with
    /// full-jitter backoff on the injected clock). A non-idempotent call (RunTask) that may have taken
    /// effect is never re-sent: it throws ``ProviderError/Code/ambiguous`` so the caller looks the run up.
    /// An expired-credentials answer refreshes cached credentials once; a clock-skew answer re-signs once
    /// with the offset from the `Date` header. Error answers that are final come back as `.failure`.
    package func send(_ operation: ECSOperation, _ body: JSONValue) async throws -> CallOutcome {
        let payload = body.data()
        var attempt = 1
        var refreshed = false
        var skewCorrected = false
        while true {
            try Task.checkCancellation()
            let request = try await signedRequest(operation, payload: payload, at: clock.now().addingTimeInterval(state.skew.withLock { $0 }))
            let failure: RetryFailure
            var answer: ECSErrorResponse?
            do {
                let response = try await http.execute(request)
                if (200..<300).contains(response.status) {
                    if response.body.isEmpty { return .success(.object([:])) }
                    do {
                        return .success(try JSONValue.parse(response.body))
                    } catch {
                        throw ProviderError(
                            operation.isIdempotent ? .unavailable : .ambiguous,
                            "ECS \(operation.rawValue): unreadable answer (\(error.description))",
                            httpStatus: response.status
                        )
                    }
                }
                let error = ECSErrorResponse(status: response.status, headers: response.headers, body: response.body)
                if !skewCorrected, let code = error.code, ClockSkew.awsSkewErrorCodes.contains(code),
                    let skew = ClockSkew.estimate(from: response.headers, now: clock.now()), ClockSkew.isSignificant(skew)
                {
                    state.skew.withLock { $0 = skew }
                    skewCorrected = true
                    continue
                }
                if !refreshed, let code = error.code, ECSErrorResponse.expiredCodes.contains(code),
                    let cached = credentials as? CachedAWSCredentialProvider
                {
                    await cached.invalidate()
                    refreshed = true
                    continue
                }
                answer = error
                failure = .response(status: response.status, headers: response.headers, errorCode: error.code)
            } catch let error as HTTPClientError {
                failure = .transport(error)
            }

            let now = clock.now()
            let decision = state.random.withLock { random in
                retryPolicy.decide(after: failure, attempt: attempt, method: "POST", isIdempotent: operation.isIdempotent, now: now, using: &random)
            }
            switch decision {
            case .retry(let delay):
                try await clock.sleep(until: now.addingTimeInterval(delay))
                attempt += 1
            case .lookUpBeforeResend:
                let what = answer.map { "HTTP \($0.status) \($0.code ?? "")" } ?? describe(failure)
                throw ProviderError(
                    .ambiguous,
                    "ECS \(operation.rawValue): outcome unknown after \(what); look the run up before sending again",
                    httpStatus: answer?.status,
                    providerCode: answer?.code
                )
            case .giveUp(let reason):
                if case .giveUp(.cancelled) = decision { throw CancellationError() }
                let hint = retryPolicy.serverHint(failure, now: now)
                if let answer {
                    var error = answer.providerError(operation, retryAfter: hint)
                    if case .attemptsExhausted(let attempts) = reason { error.message += " (after \(attempts) attempts)" }
                    return .failure(answer, error)
                }
                throw ProviderError(.unavailable, "ECS \(operation.rawValue): \(describe(failure)) (after \(attempt) attempts)")
            }
        }
    }

    private func describe(_ failure: RetryFailure) -> String {
        switch failure {
        case .transport(let error): return error.description
        case .response(let status, _, let code): return "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        case .grpc(let code, _, _): return "gRPC \(code)"
        }
    }

    /// The signed `POST /` for `operation` at `date` with the provider's credentials.
    package func signedRequest(_ operation: ECSOperation, payload: Data, at date: Date) async throws -> HTTPRequest {
        let current: AWSCredentials
        do {
            current = try await credentials.credentials()
        } catch let error as CredentialsError {
            throw ProviderError(
                .unauthorized,
                "ECS \(operation.rawValue): no AWS credentials: \(error.message)",
                httpStatus: error.httpStatus,
                providerCode: error.providerCode
            )
        }
        return try signedRequest(operation, payload: payload, credentials: current, at: date)
    }

    /// The request for `operation` signed with `credentials` at `date` (docs/provider-apis.md §2.1, §2.8); a pure
    /// function of its inputs (the prepared request it reuses only saves work).
    package func signedRequest(
        _ operation: ECSOperation,
        payload: Data,
        credentials: AWSCredentials,
        at date: Date
    ) throws
        -> HTTPRequest
    {
        let prepared: AWSSigV4PreparedRequest
        do {
            prepared = try preparedRequest(operation, credentials: credentials)
        } catch let error as SigningError {
            throw ProviderError(.invalidConfiguration, "ECS \(operation.rawValue): cannot sign for \(endpoint)/: \(error.message)")
        }
        let signed = prepared.sign(body: payload, date: date)
        return HTTPRequest(
            method: "POST",
            url: prepared.url,
            headers: HTTPHeaders(signed.headers),
            body: payload,
            timeout: requestTimeout,
            isIdempotent: operation.isIdempotent,
            carriesIdempotencyToken: operation.carriesIdempotencyToken
        )
    }

    /// The operation's request shape for `credentials`, prepared on first use and after a rotation.
    private func preparedRequest(_ operation: ECSOperation, credentials: AWSCredentials) throws -> AWSSigV4PreparedRequest {
        if let known = state.preparedRequests.withLock({ $0[operation] }), known.signer.credentials == credentials {
            return known
        }
        let signer = AWSSigV4Signer(credentials: credentials, service: ECSOperation.signingName, region: region)
        let prepared = try AWSSigV4PreparedRequest(
            signer: signer,
            method: "POST",
            url: endpoint + "/",
            headers: [(name: "Content-Type", value: ECSOperation.contentType), (name: "X-Amz-Target", value: operation.target)]
        )
        state.preparedRequests.withLock { $0[operation] = prepared }
        return prepared
    }
}
