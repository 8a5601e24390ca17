import Foundation
import PushgateCore

/// The settings of ``PrefectBridge``, read once at start.
package struct PrefectBridgeConfiguration: Sendable {
    /// The Prefect API base URL as Prefect clients take it (`http://127.0.0.1:4200/api`); handed to the
    /// flow run as `PREFECT_API_URL`.
    package var apiURL: String
    package var pools: [PrefectPoolMapping]
    /// The worker name in Prefect's UI: the replica's name.
    package var workerName: String
    /// Time between passes (Prefect's worker polls every 10 s by default; pushgate's dispatcher is faster).
    package var interval: TimeInterval = 2
    /// What a worker passes in its heartbeats (`PREFECT_WORKER_HEARTBEAT_SECONDS`, default 30).
    package var heartbeatSeconds = 30

    package init(apiURL: String, pools: [PrefectPoolMapping], workerName: String) {
        self.apiURL = apiURL
        self.pools = pools
        self.workerName = workerName
    }
}
