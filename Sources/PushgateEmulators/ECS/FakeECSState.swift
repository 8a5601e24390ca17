import Foundation
import PushgateCore

/// The ECS resources a ``FakeECSServer`` holds: clusters, task definition revisions and tasks.
struct FakeECSState {
    struct Definition {
        var family: String
        var revision: Int
        var arn: String
        var body: [String: JSONValue]
        var tags: [JSONValue]
        var status: String
    }

    struct TaskRecord {
        static let states = ["PROVISIONING", "PENDING", "RUNNING", "STOPPED"]

        var id: String
        var arn: String
        var cluster: String
        var clusterARN: String
        var definitionARN: String
        var startedBy: String?
        var clientToken: String?
        /// The RunTask body without volatile parts, to tell a replay from a conflicting reuse.
        var request: JSONValue
        var overrides: JSONValue
        var tags: [JSONValue]
        var containerName: String
        var image: String
        var createdAt: Date
        var stateIndex = 0
        var describesInState = 0
        var outcome: FakeECSConfiguration.Outcome
        var stopReason: String?
        var wasRunning = false
        var stoppedAt: Date?
        var startedAt: Date?
        /// DescribeTasks reads that named the task, MISSING answers given, and when the first one was
        /// (``FakeECSConfiguration/MissingWindow``).
        var describeReads = 0
        var missingAnswers = 0
        var missingSince: Date?
        var missingWindowClosed = false

        var lastStatus: String { TaskRecord.states[stateIndex] }
    }

    var clusters: Set<String>
    var definitions: [String: [Definition]] = [:]
    var tasks: [String: TaskRecord] = [:]
    var taskOrder: [String] = []
    /// Tasks not yet STOPPED, for the peak-concurrency statistic.
    var liveTasks: Set<String> = []
    /// When the live tasks on a timeline lifecycle stop by themselves.
    var stopDeadlines = StopDeadlines()
    var statistics = FakeECSStatistics()
    var random: SplitMix64

    init(clusters: [String], seed: UInt64) {
        self.clusters = Set(clusters)
        random = SplitMix64(seed: seed ^ 0x5EC5)
    }

    mutating func newTaskID() -> String {
        (0..<2).map { _ in
            let value = random.next()
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    func definition(_ reference: String) -> Definition? {
        let name = reference.split(separator: "/").last.map(String.init) ?? reference
        let parts = name.split(separator: ":")
        let family = String(parts.first ?? "")
        guard let revisions = definitions[family] else { return nil }
        if parts.count == 2 {
            guard let revision = Int(parts[1]) else { return nil }
            return revisions.first { $0.revision == revision }
        }
        return revisions.last { $0.status == "ACTIVE" }
    }

    func task(_ reference: String) -> TaskRecord? {
        if let exact = tasks[reference] { return exact }
        let id = reference.split(separator: "/").last.map(String.init) ?? reference
        return tasks.values.first { $0.id == id }
    }
}
