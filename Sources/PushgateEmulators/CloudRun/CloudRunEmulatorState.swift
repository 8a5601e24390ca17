import Foundation
import PushgateCore

/// The jobs, executions and operations a ``CloudRunEmulator`` holds, and their proto3-JSON forms
/// (docs/provider-apis.md §3.1–§3.4): int64 as strings, zero counts omitted, RFC 3339 times.
struct CloudRunEmulatorState {
    struct Job {
        var name: String
        var id: String
        var body: JSONValue
        var createTime: Date
        /// Reads of the create operation or the job until it is ready.
        var reads = 0
        /// Set when the image cannot be used (CONTAINER_MISSING).
        var notReadyReason: String?
        /// Oldest first.
        var executions: [String] = []
        /// `jobs.get` answered 404 on purpose so far (`jobNotFoundReads`).
        var notFoundReads = 0
    }

    struct Execution {
        var name: String
        var jobName: String
        var createTime: Date
        var outcome: WorkloadOutcome
        var reads = 0
        var startTime: Date?
        var completionTime: Date?
        var cancelRequested = false
        var cancelReads = 0
        var cancelled = false
        /// `executions.get` answered 404 on purpose so far (`executionNotFoundReads`).
        var notFoundReads = 0

        /// The execution id, the last part of its name.
        var id: String { name.split(separator: "/").last.map(String.init) ?? name }
    }

    enum Operation {
        case createJob(String)
        case runJob(String)
        case cancelExecution(String)
        case deleteJob(JSONValue)
    }

    var jobs: [String: Job] = [:]
    var executions: [String: Execution] = [:]
    var operations: [String: Operation] = [:]
    /// `operations.get` reads per operation.
    var operationReads: [String: Int] = [:]
    var statistics = CloudRunEmulatorStatistics()
    var random: SplitMix64
    var serial = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func nextSuffix(length: Int = 5) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    mutating func newOperation(parent: String, _ operation: Operation) -> String {
        serial += 1
        let name = "\(parent)/operations/op-\(serial)-\(nextSuffix(length: 8))"
        operations[name] = operation
        return name
    }

    func isReady(_ job: Job, operationPolls: Int) -> Bool { job.notReadyReason == nil && job.reads >= operationPolls }

    /// Moves an execution on by one read (or by the clock, for timed pacing).
    mutating func observe(_ name: String, pacing: WorkloadPacing, now: Date, countRead: Bool) {
        guard var execution = executions[name], execution.completionTime == nil else { return }
        if countRead { execution.reads += 1 }
        if execution.cancelRequested {
            if countRead { execution.cancelReads += 1 }
            if execution.cancelReads >= 2 {
                execution.cancelled = true
                execution.completionTime = now
            }
            executions[name] = execution
            return
        }
        switch pacing.phase(reads: execution.reads, elapsed: now.timeIntervalSince(execution.createTime)) {
        case .pending: break
        case .running:
            if execution.startTime == nil { execution.startTime = now }
        case .finished:
            if execution.startTime == nil { execution.startTime = now }
            execution.completionTime = now
        }
        executions[name] = execution
    }

    /// Moves every unfinished execution on by the clock (timed pacing) without counting a read, so a
    /// delete or a count sees what a read would.
    mutating func observeAll(pacing: WorkloadPacing, now: Date) {
        for (name, execution) in executions where execution.completionTime == nil {
            observe(name, pacing: pacing, now: now, countRead: false)
        }
    }

    /// Executions not yet completed (pending or running).
    var unfinishedExecutions: Int { executions.values.filter { $0.completionTime == nil }.count }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    func jobJSON(_ job: Job, operationPolls: Int, referenceName: CloudRunEmulatorConfiguration.ExecutionReferenceName = .shortID) -> JSONValue {
        var object = job.body.objectValue ?? [:]
        object["name"] = .string(job.name)
        object["uid"] = .string("uid-\(job.id)")
        object["generation"] = "1"
        object["createTime"] = .string(Self.timestamp(job.createTime))
        object["updateTime"] = .string(Self.timestamp(job.createTime))
        object["etag"] = .string("\"\(job.id)-1\"")
        var condition: [String: JSONValue] = ["type": "Ready", "lastTransitionTime": .string(Self.timestamp(job.createTime))]
        if let reason = job.notReadyReason {
            condition["state"] = "CONDITION_FAILED"
            condition["reason"] = .string(reason)
            condition["message"] = "Image not found or not accessible."
        } else {
            condition["state"] = isReady(job, operationPolls: operationPolls) ? "CONDITION_SUCCEEDED" : "CONDITION_RECONCILING"
        }
        object["terminalCondition"] = .object(condition)
        object["reconciling"] = .bool(!isReady(job, operationPolls: operationPolls) && job.notReadyReason == nil)
        if !job.executions.isEmpty { object["executionCount"] = .int(Int64(job.executions.count)) }
        if let latest = job.executions.last, let execution = executions[latest] {
            var summary: [String: JSONValue] = [
                "name": .string(referenceName == .fullName ? latest : execution.id), "createTime": .string(Self.timestamp(execution.createTime)),
                "completionStatus": .string(completionStatus(execution)),
            ]
            if let done = execution.completionTime { summary["completionTime"] = .string(Self.timestamp(done)) }
            object["latestCreatedExecution"] = .object(summary)
        }
        return .object(object)
    }

    func completionStatus(_ execution: Execution) -> String {
        guard execution.completionTime != nil else { return execution.startTime == nil ? "EXECUTION_PENDING" : "EXECUTION_RUNNING" }
        if execution.cancelled { return "EXECUTION_CANCELLED" }
        return execution.outcome == .exit(0) ? "EXECUTION_SUCCEEDED" : "EXECUTION_FAILED"
    }

    func executionJSON(_ execution: Execution) -> JSONValue {
        let jobID = execution.jobName.split(separator: "/").last.map(String.init) ?? ""
        var object: [String: JSONValue] = [
            "name": .string(execution.name), "uid": .string("uid-\(execution.name.split(separator: "/").last ?? "")"),
            "job": .string(jobID), "generation": "1", "createTime": .string(Self.timestamp(execution.createTime)),
            "taskCount": 1, "parallelism": 1, "etag": .string("\"\(jobID)-exec\""),
            "logUri": .string("https://console.cloud.google.com/logs/viewer?execution=\(execution.name)"),
        ]
        var conditions: [JSONValue] = [["type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED"]]
        var completed: [String: JSONValue] = ["type": "Completed"]
        if let start = execution.startTime {
            object["startTime"] = .string(Self.timestamp(start))
            conditions.append(["type": "Started", "state": "CONDITION_SUCCEEDED"])
        }
        if let done = execution.completionTime {
            object["completionTime"] = .string(Self.timestamp(done))
            completed["lastTransitionTime"] = .string(Self.timestamp(done))
            if execution.cancelled {
                completed["state"] = "CONDITION_FAILED"
                completed["executionReason"] = "CANCELLED"
                completed["message"] = "The execution was cancelled."
                object["cancelledCount"] = 1
            } else {
                switch execution.outcome {
                case .exit(0):
                    completed["state"] = "CONDITION_SUCCEEDED"
                    completed["message"] = "Execution completed successfully."
                    object["succeededCount"] = 1
                case .exit(let code):
                    completed["state"] = "CONDITION_FAILED"
                    completed["executionReason"] = "NON_ZERO_EXIT_CODE"
                    completed["message"] = .string(
                        "Task \(execution.name)-task0 failed with message: The container exited with an error (exit code \(code))."
                    )
                    object["failedCount"] = 1
                case .crash:
                    completed["state"] = "CONDITION_FAILED"
                    completed["reason"] = "INTERNAL"
                    completed["message"] = "The task's instance was lost."
                    object["failedCount"] = 1
                }
            }
        } else {
            completed["state"] = "CONDITION_PENDING"
            if execution.startTime != nil { object["runningCount"] = 1 }
            if execution.cancelRequested {
                completed["state"] = "CONDITION_RECONCILING"
                completed["executionReason"] = "CANCELLING"
            }
        }
        conditions.append(.object(completed))
        object["conditions"] = .array(conditions)
        return .object(object)
    }

    func tasksJSON(_ execution: Execution) -> JSONValue {
        var task: [String: JSONValue] = ["name": .string("\(execution.name)/tasks/\(execution.name.split(separator: "/").last ?? "")-0")]
        if execution.completionTime != nil, !execution.cancelled, case .exit(let code) = execution.outcome {
            task["lastAttemptResult"] = code == 0 ? .object([:]) : ["exitCode": .int(Int64(code))]
        }
        return ["tasks": [.object(task)]]
    }
}
