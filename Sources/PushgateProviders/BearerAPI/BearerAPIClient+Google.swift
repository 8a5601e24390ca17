import Foundation
import PushgateCore

extension BearerAPIClient {
    /// The client of one Google API (Cloud Run v2, Cloud Run V1, Vertex AI) as every Google provider sets it
    /// up: the retry policy and jitter seed of its ``CloudRunV2Configuration``, the gcp profile's cached
    /// token source, and Google's `error.status` as the error code (docs/provider-apis.md §3.1, §3.8, §8.1,
    /// §9.1).
    /// - Parameter apiName: names the API in messages (`Cloud Run`, `Vertex AI`).
    package static func google(
        _ apiName: String,
        configuration: CloudRunV2Configuration,
        tokens: any BearerTokenProvider,
        http: any HTTPClient,
        clock: any WallClock
    ) -> BearerAPIClient {
        BearerAPIClient(
            http: http,
            tokens: tokens,
            policy: configuration.retryPolicy,
            clock: clock,
            randomSeed: configuration.randomSeed,
            apiName: apiName,
            errorCode: CloudRunRequests.errorStatus
        )
    }
}
