import Foundation
import PushgateCore
import Synchronization

/// The transport `pushgate dry-run` hands to providers: it sends nothing and fails every request, so a
/// dry run cannot reach a cloud even by mistake; the attempts are counted for the report.
final class RefusingHTTPClient: HTTPClient, Sendable {
    private let attempts = Mutex<[String]>([])

    /// `METHOD URL` of every request a provider tried to send.
    var attempted: [String] { attempts.withLock { $0 } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let url = request.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.url
        attempts.withLock { $0.append("\(request.method) \(url)") }
        throw HTTPClientError(.invalidRequest, "\(request.method) \(url): dry run, nothing is sent")
    }
}

/// A clock stopped at the dry run's `--at` time; sleeping returns at once.
struct StoppedClock: WallClock {
    let time: Date
    func now() -> Date { time }
    func sleep(until deadline: Date) async throws {}
}
