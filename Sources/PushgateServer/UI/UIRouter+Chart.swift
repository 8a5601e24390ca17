import Foundation
import PushgateCore
import PushgateHTTPServer

extension UIRouter {
    /// The chart as its own same-origin image, so the page's CSP needs no inline content.
    func poolChart(_ name: String, now: Date) async throws -> ServerResponse {
        let activity = try await api.store.runActivity(pool: name, since: now.addingTimeInterval(-Double(UIActivityChart.minutes * 60)))
        var headers = UIPage.securityHeaders()
        headers.add("Content-Type", "image/svg+xml")
        return ServerResponse(status: 200, headers: headers, body: Data(UIActivityChart.svg(activity, now: now).utf8))
    }
}
