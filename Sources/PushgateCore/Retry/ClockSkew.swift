import Foundation

/// The offset between the provider's clock and ours, read from a response's `Date` header, as botocore
/// does to correct SigV4 timestamps (docs/provider-apis.md §1.1). Positive means the server is ahead.
package enum ClockSkew {
    /// `serverDate - now`, or `nil` when the response has no readable `Date` header.
    package static func estimate(from headers: HTTPHeaders, now: Date) -> TimeInterval? {
        guard let raw = headers["Date"], let serverDate = HTTPDate.parse(raw) else { return nil }
        return serverDate.timeIntervalSince(now)
    }

    /// AWS error codes that mean "your clock is off" (botocore's clock-skew check): re-sign with the
    /// corrected time and send once more.
    package static let awsSkewErrorCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch",
        "AuthFailure", "RequestInTheFuture",
    ]

    /// Whether `estimate` is large enough to matter: AWS rejects requests more than 5 minutes off; a
    /// correction is worth applying well before that.
    package static func isSignificant(_ skew: TimeInterval, threshold: TimeInterval = 60) -> Bool {
        abs(skew) >= threshold
    }
}
