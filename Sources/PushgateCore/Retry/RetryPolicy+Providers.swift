import Foundation

/// Each provider's retry rules, from its official SDK (docs/provider-apis.md §1.2, §2, §3.8, §4.6, §5.4).
extension RetryPolicy {
    /// AWS (ECS, STS): botocore standard mode. Throttling arrives as HTTP 400 with
    /// `__type: ThrottlingException`, so the error code decides; 3 attempts, 50 ms / 1 s bases, 20 s cap,
    /// `x-amz-retry-after` raises the delay by at most 5 s.
    package static let aws = RetryPolicy(
        maxAttempts: 3,
        baseDelay: 0.05,
        throttlingBaseDelay: 1,
        multiplier: 2,
        maxDelay: 20,
        retryAfterHeaders: [.milliseconds("x-amz-retry-after")],
        maxRetryAfterExtension: 5,
        rules: RetryRules(
            transientStatuses: [500, 502, 503, 504],
            throttlingStatuses: [429, 509],
            transientErrorCodes: [
                "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "ServerException",
                "InternalFailure", "ServiceUnavailable",
            ],
            throttlingErrorCodes: [
                "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                "TooManyRequestsException", "ProvisionedThroughputExceededException",
                "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
                "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
            ],
            unauthenticatedStatuses: []
        )
    )

    /// ECS uses the AWS rules.
    package static let ecs = aws

    /// Google (Cloud Run v2, OAuth token endpoint): 408, 429, 500, 502, 503, 504 and RESOURCE_EXHAUSTED /
    /// UNAVAILABLE / OAuth `server_error`-style codes; 401 means refresh the token once.
    package static let google = RetryPolicy(
        maxAttempts: 5,
        baseDelay: 1,
        throttlingBaseDelay: 1,
        multiplier: 2,
        maxDelay: 32,
        retryAfterHeaders: [.retryAfter],
        rules: RetryRules(
            transientStatuses: [408, 500, 502, 503, 504],
            throttlingStatuses: [429],
            transientErrorCodes: ["UNAVAILABLE", "INTERNAL", "internal_failure", "server_error", "temporarily_unavailable"],
            throttlingErrorCodes: ["RESOURCE_EXHAUSTED", "rateLimitExceeded"]
        )
    )

    /// Cloud Run v2 uses the Google rules.
    package static let cloudRun = google

    /// Azure Resource Manager (azure-core `RetryPolicy`): 408, 429, 500, 502, 503, 504 and ≥ 506, but
    /// POST/PATCH only on 500, 503, 504; any status ≥ 400 with a retry-after header; backoff factor
    /// 0.8, 120 s cap, 10 retries.
    package static let azure = RetryPolicy(
        maxAttempts: 11,
        baseDelay: 0.8,
        throttlingBaseDelay: 0.8,
        multiplier: 2,
        maxDelay: 120,
        retryAfterHeaders: [.retryAfter, .milliseconds("retry-after-ms"), .milliseconds("x-ms-retry-after-ms")],
        rules: RetryRules(
            transientStatuses: [408, 500, 502, 503, 504],
            throttlingStatuses: [429],
            transientStatusesFrom: 506,
            retryAnyStatusWithRetryAfter: true,
            postAndPatchRetryableStatuses: [500, 503, 504]
        )
    )

    /// Modal (modal-go `retryInterceptor`): DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, INTERNAL and
    /// UNKNOWN; RESOURCE_EXHAUSTED backs off as throttling; 4 calls, 100 ms → 1 s, ×2.
    package static let modal = RetryPolicy(
        maxAttempts: 4,
        baseDelay: 0.1,
        throttlingBaseDelay: 1,
        multiplier: 2,
        maxDelay: 1,
        maxRetryAfter: 300,
        retryAfterHeaders: [],
        rules: RetryRules(
            transientStatuses: [502, 503, 504],
            transientGRPCCodes: [
                GRPCStatusCode.deadlineExceeded, GRPCStatusCode.unavailable, GRPCStatusCode.cancelled,
                GRPCStatusCode.internalError, GRPCStatusCode.unknown,
            ],
            throttlingGRPCCodes: [GRPCStatusCode.resourceExhausted]
        )
    )
}
