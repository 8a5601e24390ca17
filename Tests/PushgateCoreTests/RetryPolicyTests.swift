import Foundation
import PushgateCore
import Testing

/// SplitMix64: a seeded generator so jitter draws are reproducible.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

private func decide(
    _ policy: RetryPolicy,
    _ failure: RetryFailure,
    attempt: Int = 1,
    method: String = "POST",
    idempotent: Bool = true,
    seed: UInt64 = 42
) -> RetryDecision {
    var generator = SplitMix64(seed: seed)
    return policy.decide(after: failure, attempt: attempt, method: method, isIdempotent: idempotent, now: now, using: &generator)
}

private func delay(_ decision: RetryDecision, sourceLocation: SourceLocation = #_sourceLocation) -> TimeInterval? {
    guard case .retry(let after) = decision else {
        Issue.record("expected .retry, got \(decision)", sourceLocation: sourceLocation)
        return nil
    }
    return after
}

@Suite("RetryPolicy: AWS / ECS")
struct RetryPolicyAWSTests {
    @Test func throttlingExceptionAt400IsRetriedWithTheThrottlingBase() throws {
        let failure = RetryFailure.response(status: 400, errorCode: "ThrottlingException")
        let first = try #require(delay(decide(.ecs, failure, attempt: 1)))
        #expect((0...1).contains(first))
        let second = try #require(delay(decide(.ecs, failure, attempt: 2)))
        #expect((0...2).contains(second))
        // Throttling never counts as ambiguous: safe to re-send even a non-idempotent call.
        #expect(delay(decide(.ecs, failure, idempotent: false)) != nil)
    }

    @Test func everyThrottlingCodeOfBotocoreIsRetried() {
        for code in ["RequestLimitExceeded", "TooManyRequestsException", "SlowDown", "EC2ThrottledException", "Throttling"] {
            #expect(delay(decide(.ecs, .response(status: 400, errorCode: code))) != nil, "\(code)")
        }
    }

    @Test func clientErrorsAreFinal() {
        #expect(decide(.ecs, .response(status: 400, errorCode: "ClientException")) == .giveUp(.notRetryable))
        #expect(decide(.ecs, .response(status: 400, errorCode: "InvalidParameterException")) == .giveUp(.notRetryable))
    }

    @Test func serverErrorsRetryWhenIdempotentAndLookUpOtherwise() throws {
        let failure = RetryFailure.response(status: 500, errorCode: "ServerException")
        let wait = try #require(delay(decide(.ecs, failure)))
        #expect((0...0.05).contains(wait))
        #expect(decide(.ecs, failure, idempotent: false) == .lookUpBeforeResend)
        #expect(decide(.ecs, .response(status: 503), idempotent: false) == .lookUpBeforeResend)
    }

    @Test func attemptsAreCapped() {
        let failure = RetryFailure.response(status: 503)
        #expect(delay(decide(.ecs, failure, attempt: 2)) != nil)
        #expect(decide(.ecs, failure, attempt: 3) == .giveUp(.attemptsExhausted(attempts: 3)))
    }

    @Test func amzRetryAfterRaisesTheDelayByAtMostFiveSeconds() throws {
        let headers: HTTPHeaders = ["x-amz-retry-after": "10000"]
        let wait = try #require(delay(decide(.ecs, .response(status: 400, headers: headers, errorCode: "ThrottlingException"))))
        var generator = SplitMix64(seed: 42)
        let jitter = RetryPolicy.ecs.backoff(attempt: 1, throttled: true, using: &generator)
        #expect(abs(wait - (jitter + 5)) < 1e-9)
        let small = try #require(delay(decide(.ecs, .response(status: 503, headers: ["x-amz-retry-after": "2000"]))))
        #expect(abs(small - 2) < 1e-9)
    }
}

@Suite("RetryPolicy: transport failures")
struct RetryPolicyTransportTests {
    @Test func nothingSentIsAlwaysSafeToRetry() {
        for code in [HTTPClientError.Code.connectFailed, .connectTimeout] {
            let failure = RetryFailure.transport(HTTPClientError(code, "POST https://ecs/"))
            #expect(delay(decide(.ecs, failure, idempotent: false)) != nil, "\(code)")
        }
    }

    @Test func ambiguousFailuresOfNonIdempotentCallsAreLookedUp() {
        for code in [HTTPClientError.Code.timeout, .connectionReset, .responseTooLarge] {
            let failure = RetryFailure.transport(HTTPClientError(code, "POST https://run/"))
            #expect(decide(.cloudRun, failure, idempotent: false) == .lookUpBeforeResend, "\(code)")
        }
        #expect(delay(decide(.cloudRun, .transport(HTTPClientError(.timeout, "GET x")), method: "GET")) != nil)
    }

    @Test func finalTransportFailures() {
        #expect(decide(.azure, .transport(HTTPClientError(.cancelled, "x"))) == .giveUp(.cancelled))
        #expect(decide(.azure, .transport(HTTPClientError(.tls, "x"))) == .giveUp(.notRetryable))
        #expect(decide(.azure, .transport(HTTPClientError(.invalidRequest, "x"))) == .giveUp(.notRetryable))
        #expect(decide(.azure, .transport(HTTPClientError(.responseTooLarge, "x"))) == .giveUp(.notRetryable))
    }
}

@Suite("RetryPolicy: Google Cloud Run")
struct RetryPolicyGoogleTests {
    @Test func retryableStatusesAndCodes() {
        for status in [408, 429, 500, 502, 503, 504] {
            #expect(delay(decide(.cloudRun, .response(status: status), method: "GET")) != nil, "\(status)")
        }
        #expect(delay(decide(.cloudRun, .response(status: 429, errorCode: "RESOURCE_EXHAUSTED"), idempotent: false)) != nil)
        #expect(decide(.cloudRun, .response(status: 404)) == .giveUp(.notRetryable))
        #expect(decide(.cloudRun, .response(status: 409, errorCode: "ALREADY_EXISTS")) == .giveUp(.notRetryable))
    }

    @Test func unauthorizedMeansRefreshTheToken() {
        #expect(decide(.cloudRun, .response(status: 401, errorCode: "UNAUTHENTICATED")) == .giveUp(.refreshCredentials))
    }

    @Test func jobsRunIsNeverBlindlyRetriedAfterA5xx() {
        #expect(decide(.cloudRun, .response(status: 502), idempotent: false) == .lookUpBeforeResend)
    }
}

@Suite("RetryPolicy: Azure")
struct RetryPolicyAzureTests {
    @Test func retryAfterSecondsIsHonoured() throws {
        let wait = try #require(delay(decide(.azure, .response(status: 429, headers: ["Retry-After": "30"]), method: "PUT")))
        #expect(wait == 30)
    }

    @Test func retryAfterHTTPDateIsRelativeToNow() throws {
        let headers: HTTPHeaders = ["Retry-After": "Thu, 01 Jan 2026 00:00:45 GMT"]
        let wait = try #require(delay(decide(.azure, .response(status: 503, headers: headers), method: "GET")))
        #expect(wait == 45)
    }

    @Test func retryAfterMillisecondHeadersAreReadInOrder() throws {
        let wait = try #require(
            delay(decide(.azure, .response(status: 429, headers: ["x-ms-retry-after-ms": "2500"]), method: "GET", seed: 1))
        )
        #expect(wait >= 2.5)
        #expect(wait <= 2.5 + 0.8)
    }

    @Test func anyClientErrorWithRetryAfterIsRetried() {
        #expect(delay(decide(.azure, .response(status: 409, headers: ["Retry-After": "1"]), method: "PUT")) != nil)
        #expect(decide(.azure, .response(status: 409), method: "PUT") == .giveUp(.notRetryable))
    }

    @Test func postAndPatchRetryOnlyOn500_503_504() {
        #expect(decide(.azure, .response(status: 502), method: "POST") == .giveUp(.notRetryable))
        #expect(decide(.azure, .response(status: 429), method: "PATCH") == .giveUp(.notRetryable))
        #expect(delay(decide(.azure, .response(status: 503), method: "POST")) != nil)
        #expect(delay(decide(.azure, .response(status: 502), method: "GET")) != nil)
        #expect(delay(decide(.azure, .response(status: 507), method: "DELETE")) != nil)
    }

    @Test func overlongRetryAfterGivesUp() {
        #expect(decide(.azure, .response(status: 429, headers: ["Retry-After": "3600"]), method: "GET") == .giveUp(.retryAfterTooLong(3600)))
    }

    @Test func unreadableRetryAfterIsIgnored() throws {
        for value in ["-5", "soon", "Thu, 99 Foo 2026 00:00:45 GMT"] {
            let wait = try #require(delay(decide(.azure, .response(status: 503, headers: ["Retry-After": value]), method: "GET")))
            #expect(wait <= 0.8, "\(value)")
        }
    }

    @Test func tenRetriesAtMost() {
        #expect(delay(decide(.azure, .response(status: 500), attempt: 10, method: "GET")) != nil)
        #expect(decide(.azure, .response(status: 500), attempt: 11, method: "GET") == .giveUp(.attemptsExhausted(attempts: 11)))
    }
}

@Suite("RetryPolicy: Modal gRPC")
struct RetryPolicyModalTests {
    @Test func retryableGRPCCodes() throws {
        for code in [1, 2, 4, 13, 14] {
            let wait = try #require(delay(decide(.modal, .grpc(code: code))))
            #expect((0...0.1).contains(wait), "\(code)")
        }
        #expect(decide(.modal, .grpc(code: 3)) == .giveUp(.notRetryable))  // INVALID_ARGUMENT
        #expect(decide(.modal, .grpc(code: 6)) == .giveUp(.notRetryable))  // ALREADY_EXISTS
        #expect(decide(.modal, .grpc(code: 16)) == .giveUp(.refreshCredentials))
        #expect(decide(.modal, .grpc(code: 14), attempt: 4) == .giveUp(.attemptsExhausted(attempts: 4)))
    }

    @Test func resourceExhaustedBacksOffAndHonoursTheServerHint() throws {
        let plain = try #require(delay(decide(.modal, .grpc(code: 8))))
        #expect((0...1).contains(plain))
        let hinted = try #require(delay(decide(.modal, .grpc(code: 8, serverRetryAfter: 7))))
        #expect(hinted == 7)
        #expect(decide(.modal, .grpc(code: 8), idempotent: false) != .lookUpBeforeResend)
    }

    @Test func ambiguousGRPCFailureOfAnUnnamedSandboxCreateIsLookedUp() {
        #expect(decide(.modal, .grpc(code: 4), idempotent: false) == .lookUpBeforeResend)
        #expect(decide(.modal, .grpc(code: 14), idempotent: false) == .lookUpBeforeResend)
    }
}

@Suite("RetryPolicy: full-jitter backoff")
struct RetryPolicyBackoffTests {
    @Test func drawsStayWithinTheCeilingAndSpreadAcrossIt() {
        let policy = RetryPolicy(baseDelay: 0.5, multiplier: 2, maxDelay: 10)
        var generator = SplitMix64(seed: 7)
        for attempt in 1...8 {
            let ceiling = policy.backoffCeiling(attempt: attempt, throttled: false)
            #expect(ceiling == min(10, 0.5 * pow(2, Double(attempt - 1))))
            let draws = (0..<1000).map { _ in policy.backoff(attempt: attempt, throttled: false, using: &generator) }
            #expect(draws.allSatisfy { $0 >= 0 && $0 <= ceiling })
            #expect(draws.min()! < ceiling * 0.05)
            #expect(draws.max()! > ceiling * 0.95)
        }
        #expect(policy.backoffCeiling(attempt: 30, throttled: false) == 10)
    }

    @Test func sameSeedSameDelays() {
        let policy = RetryPolicy.google
        var first = SplitMix64(seed: 99)
        var second = SplitMix64(seed: 99)
        let a = (1...5).map { policy.backoff(attempt: $0, throttled: false, using: &first) }
        let b = (1...5).map { policy.backoff(attempt: $0, throttled: false, using: &second) }
        #expect(a == b)
        var other = SplitMix64(seed: 100)
        #expect(a != (1...5).map { policy.backoff(attempt: $0, throttled: false, using: &other) })
    }
}

@Suite("HTTP dates and clock skew")
struct HTTPDateAndClockSkewTests {
    @Test func parsesTheThreeHTTPDateForms() {
        let expected = Date(timeIntervalSince1970: 784_111_777)  // RFC 9110's example instant
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == expected)
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT") == Date(timeIntervalSince1970: 1_709_251_199))
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 PST") == nil)
        #expect(HTTPDate.parse("yesterday") == nil)
    }

    @Test func skewComesFromTheDateHeader() throws {
        let ahead = try #require(ClockSkew.estimate(from: ["Date": "Thu, 01 Jan 2026 00:02:00 GMT"], now: now))
        #expect(ahead == 120)
        #expect(ClockSkew.isSignificant(ahead))
        let behind = try #require(ClockSkew.estimate(from: ["date": "Wed, 31 Dec 2025 23:59:50 GMT"], now: now))
        #expect(behind == -10)
        #expect(!ClockSkew.isSignificant(behind))
        #expect(ClockSkew.estimate(from: [:], now: now) == nil)
        #expect(ClockSkew.awsSkewErrorCodes.contains("RequestTimeTooSkewed"))
    }
}
