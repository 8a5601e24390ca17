import Foundation

extension FlowRunFilter.Cursor {
    /// The page cursor as users pass it back (`run ls --after`, the web page's `after=`): the last row's
    /// scheduled time in epoch milliseconds and its id, `1733500000000:run-id`.
    package var token: String {
        "\(Int64((scheduledTime.timeIntervalSince1970 * 1000).rounded())):\(id)"
    }

    /// The cursor of a run: the next page starts after it.
    package init(after run: FlowRun) {
        self.init(scheduledTime: run.scheduledTime, id: run.id)
    }

    /// Reads ``token``; nil when it is not `MILLISECONDS:ID`.
    package init?(token: String) {
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let ms = Int64(parts[0]), !parts[1].isEmpty else { return nil }
        self.init(scheduledTime: Date(timeIntervalSince1970: Double(ms) / 1000), id: String(parts[1]))
    }
}
