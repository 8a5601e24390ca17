import Foundation

/// How a ``FakeECSServer`` behaves: the one access key it accepts (SigV4 is verified, not just parsed),
/// how tasks move through their states, how each workload ends, and the faults to inject.
package struct FakeECSConfiguration: Sendable {
    /// How a task advances PROVISIONING → PENDING → RUNNING → STOPPED.
    package enum Lifecycle: Sendable, Equatable {
        /// Every DescribeTasks that names the task counts; after `describesPerState` of them in one
        /// state it moves to the next (moto's manual progression, docs/build-notes.md §4).
        case perDescribe(describesPerState: Int)
        /// By time since RunTask on the server's clock: `provisioning`, then `pending`, then `running`
        /// seconds, then stopped.
        case timeline(provisioning: TimeInterval, pending: TimeInterval, running: TimeInterval)
    }

    /// How a workload ends.
    package struct Outcome: Sendable, Equatable {
        /// The main container's exit code; nil when it never ran or was killed without one.
        package var exitCode: Int?
        package var stopCode: String
        package var stoppedReason: String
        /// `containers[].reason` (e.g. `OutOfMemoryError: Container killed due to memory usage`).
        package var containerReason: String?
        /// TaskFailedToStart tasks stop without ever running.
        package var neverRuns: Bool

        package init(exitCode: Int?, stopCode: String, stoppedReason: String, containerReason: String? = nil, neverRuns: Bool = false) {
            self.exitCode = exitCode
            self.stopCode = stopCode
            self.stoppedReason = stoppedReason
            self.containerReason = containerReason
            self.neverRuns = neverRuns
        }

        package static func exit(_ code: Int) -> Outcome {
            Outcome(exitCode: code, stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited")
        }
        package static let success = exit(0)
        package static let failedToStart = Outcome(
            exitCode: nil,
            stopCode: "TaskFailedToStart",
            stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
            neverRuns: true
        )
        package static let outOfMemory = Outcome(
            exitCode: nil,
            stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited",
            containerReason: "OutOfMemoryError: Container killed due to memory usage"
        )
        package static let spotInterruption = Outcome(
            exitCode: nil,
            stopCode: "SpotInterruption",
            stoppedReason: "Your Spot Task was interrupted."
        )
    }

    package var accessKeyID: String
    package var secretAccessKey: String
    /// When set, requests must carry (and sign) this `X-Amz-Security-Token`.
    package var sessionToken: String?
    package var region: String
    package var accountID: String
    /// Clusters that exist from the start (CreateCluster adds more).
    package var clusters: [String]
    package var lifecycle: Lifecycle
    /// A request whose `X-Amz-Date` is further than this from the server's clock is refused as expired
    /// (AWS allows 5 minutes); nil accepts any time.
    package var maxClockSkew: TimeInterval?
    /// The server's clock (timelines, skew checks, `createdAt`).
    package var now: @Sendable () -> Date
    /// How a workload with this image and command ends (default: ``defaultOutcome(image:command:)``).
    package var outcome: @Sendable (_ image: String, _ command: [String]) -> Outcome
    /// Faults injected per call; operation names are the ECS ones (`RunTask`, `DescribeTasks`, …).
    package var faults: FaultConfiguration
    /// False answers every request with `Connection: close`, so no client reuses a connection (a dropped
    /// answer then always hits a fresh connection, which libcurl never silently re-sends on).
    package var keepAlive: Bool
    /// DescribeTasks answering MISSING for tasks that still run (``MissingWindow``); nil: never.
    package var missingWindow: MissingWindow?
    /// Seconds (server clock) a stopped task stays visible before DescribeTasks answers MISSING and ListTasks
    /// leaves it out: ECS keeps stopped tasks for at least an hour (docs/provider-apis.md §2.4); nil: for ever.
    package var stoppedTaskRetention: TimeInterval?
    /// ListTasks refuses `startedBy` next to another filter (`desiredStatus`, `family`) with
    /// InvalidParameterException, as the API reference says it must be the only filter. Whether ECS
    /// enforces that is unchecked (docs/provider-apis.md §2.7), so it is off by default.
    package var startedByIsExclusiveFilter: Bool

    package init(
        accessKeyID: String = "AKIDFAKEECS000000000",
        secretAccessKey: String = "fakeEcsSecretKey/000000000000000000000000",
        sessionToken: String? = nil,
        region: String = "us-east-1",
        accountID: String = "123456789012",
        clusters: [String] = ["default"],
        lifecycle: Lifecycle = .perDescribe(describesPerState: 1),
        maxClockSkew: TimeInterval? = 300,
        now: @escaping @Sendable () -> Date = { Date() },
        outcome: @escaping @Sendable (_ image: String, _ command: [String]) -> Outcome = FakeECSConfiguration.defaultOutcome,
        faults: FaultConfiguration = .none,
        keepAlive: Bool = true,
        missingWindow: MissingWindow? = nil,
        stoppedTaskRetention: TimeInterval? = 3_600,
        startedByIsExclusiveFilter: Bool = false
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.accountID = accountID
        self.clusters = clusters
        self.lifecycle = lifecycle
        self.maxClockSkew = maxClockSkew
        self.now = now
        self.outcome = outcome
        self.faults = faults
        self.keepAlive = keepAlive
        self.missingWindow = missingWindow
        self.stoppedTaskRetention = stoppedTaskRetention
        self.startedByIsExclusiveFilter = startedByIsExclusiveFilter
    }

    /// By image name: `fail` → exit 1, `crash` or `pull` → TaskFailedToStart, `oom` → no exit code with an
    /// OutOfMemoryError reason, `spot` → SpotInterruption; a command `exit N` exits N; else exit 0.
    package static func defaultOutcome(image: String, command: [String]) -> Outcome {
        let lower = image.lowercased()
        if lower.contains("crash") || lower.contains("pull") { return .failedToStart }
        if lower.contains("oom") { return .outOfMemory }
        if lower.contains("spot") { return .spotInterruption }
        if lower.contains("fail") { return .exit(1) }
        if let index = command.firstIndex(of: "exit"), index + 1 < command.count, let code = Int(command[index + 1]) {
            return .exit(code)
        }
        return .success
    }
}
