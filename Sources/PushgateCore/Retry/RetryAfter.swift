import Foundation

/// A header through which a server asks for a wait, in the order a policy consults them.
package enum RetryAfterHeader: Sendable, Equatable {
    /// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    case retryAfter
    /// A header holding milliseconds (`retry-after-ms`, `x-ms-retry-after-ms`, `x-amz-retry-after`).
    case milliseconds(String)

    /// The wait this header asks for, relative to `now`; `nil` when absent or unreadable. A date in the
    /// past asks for no wait.
    package func wait(in headers: HTTPHeaders, now: Date) -> TimeInterval? {
        switch self {
        case .retryAfter:
            guard let raw = headers["Retry-After"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
                return nil
            }
            if let seconds = Int(raw) { return seconds >= 0 ? TimeInterval(seconds) : nil }
            guard let date = HTTPDate.parse(raw) else { return nil }
            return max(0, date.timeIntervalSince(now))
        case .milliseconds(let name):
            guard let raw = headers[name]?.trimmingCharacters(in: .whitespaces), let value = Double(raw), value >= 0,
                value.isFinite
            else { return nil }
            return value / 1000
        }
    }
}
