/// Which failures a provider's SDK treats as retryable and which as throttling (docs/provider-apis.md §1.2).
package struct RetryRules: Sendable, Equatable {
    /// Statuses retried with the ordinary base delay.
    package var transientStatuses: Set<Int>
    /// Statuses retried as throttling (longer base delay, never ambiguous).
    package var throttlingStatuses: Set<Int>
    /// Every status at or above this one is transient too (azure-core retries ≥ 506); `nil` for none.
    package var transientStatusesFrom: Int?
    /// Provider error codes retried with the ordinary base delay.
    package var transientErrorCodes: Set<String>
    /// Provider error codes retried as throttling, whatever the status (ECS throttles with HTTP 400).
    package var throttlingErrorCodes: Set<String>
    /// gRPC codes retried with the ordinary base delay.
    package var transientGRPCCodes: Set<Int>
    /// gRPC codes retried as throttling.
    package var throttlingGRPCCodes: Set<Int>
    /// Retry any status ≥ 400 that carries a retry-after header (azure-core's rule).
    package var retryAnyStatusWithRetryAfter: Bool
    /// For POST and PATCH, only these statuses are retried (azure-core's `_is_method_retryable`);
    /// `nil` applies the same rules to every method.
    package var postAndPatchRetryableStatuses: Set<Int>?
    /// Statuses that mean "refresh the credentials" rather than retry.
    package var unauthenticatedStatuses: Set<Int>

    package init(
        transientStatuses: Set<Int> = [],
        throttlingStatuses: Set<Int> = [],
        transientStatusesFrom: Int? = nil,
        transientErrorCodes: Set<String> = [],
        throttlingErrorCodes: Set<String> = [],
        transientGRPCCodes: Set<Int> = [],
        throttlingGRPCCodes: Set<Int> = [],
        retryAnyStatusWithRetryAfter: Bool = false,
        postAndPatchRetryableStatuses: Set<Int>? = nil,
        unauthenticatedStatuses: Set<Int> = [401]
    ) {
        self.transientStatuses = transientStatuses
        self.throttlingStatuses = throttlingStatuses
        self.transientStatusesFrom = transientStatusesFrom
        self.transientErrorCodes = transientErrorCodes
        self.throttlingErrorCodes = throttlingErrorCodes
        self.transientGRPCCodes = transientGRPCCodes
        self.throttlingGRPCCodes = throttlingGRPCCodes
        self.retryAnyStatusWithRetryAfter = retryAnyStatusWithRetryAfter
        self.postAndPatchRetryableStatuses = postAndPatchRetryableStatuses
        self.unauthenticatedStatuses = unauthenticatedStatuses
    }
}

/// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
package enum GRPCStatusCode {
    package static let ok = 0
    package static let cancelled = 1
    package static let unknown = 2
    package static let deadlineExceeded = 4
    package static let alreadyExists = 6
    package static let resourceExhausted = 8
    package static let internalError = 13
    package static let unavailable = 14
    package static let unauthenticated = 16
}
