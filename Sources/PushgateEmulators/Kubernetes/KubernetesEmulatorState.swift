import Foundation
import PushgateCore

/// What the fake cluster holds: Jobs by `namespace/name`, with the times their pods' phases derive from.
struct KubernetesEmulatorState {
    struct Job {
        var body: JSONValue
        var created: Date
        var uid: String
        var deletion: Date?
    }
    var jobs: [String: Job] = [:]
    var created = 0
    /// Successful creates per `namespace/name`, kept after the Job is deleted (exactly-once checks).
    var createsByName: [String: Int] = [:]
    var calls: [String: Int] = [:]
    var throttled = 0
    var retryAfter = 1
    /// The bearer tokens accepted now (the configured one until a rotation).
    var tokens: Set<String> = []
    /// Calls answered 401, and the users (`token` or the certificate's name) of the calls let in.
    var unauthorized = 0
    var users: [String: Int] = [:]

    /// Drops Jobs whose foreground deletion has finished.
    mutating func collect(now: Date, grace: TimeInterval) {
        jobs = jobs.filter { _, job in job.deletion.map { now.timeIntervalSince($0) < grace } ?? true }
    }
}
