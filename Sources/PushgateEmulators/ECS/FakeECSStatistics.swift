import Foundation
import PushgateCore

/// What a ``FakeECSServer`` saw, so tests can check exactly-once submission: `runTaskWorkloads` counts
/// tasks actually started, never a RunTask answered from its `clientToken`.
package struct FakeECSStatistics: Sendable, Equatable {
    /// Authenticated calls by operation, faulted ones included.
    package var calls: [String: Int] = [:]
    /// Tasks started (one per accepted RunTask with a new clientToken).
    package var runTaskWorkloads = 0
    /// RunTask calls answered with the task an earlier call with the same clientToken started.
    package var runTaskReplays = 0
    /// Tasks started per clientToken (every value must be 1).
    package var workloadsByClientToken: [String: Int] = [:]
    package var taskDefinitionsRegistered = 0
    package var taskDefinitionsDeregistered = 0
    package var tasksStopped = 0
    /// Requests refused for their signature, key, token or date.
    package var authenticationFailures = 0
    /// Faults injected (status answers, throttles, drops, delays).
    package var faultsInjected = 0
    /// The most tasks that were started and not yet STOPPED at once: what a pool limit bounds. A task
    /// counts until the server sees it STOPPED (a MISSING answer does not end it).
    package var peakConcurrentTasks = 0
    /// DescribeTasks answers of MISSING for tasks that exist (``FakeECSConfiguration/MissingWindow``).
    package var missingAnswers = 0
    /// DescribeTasks answers of MISSING for stopped tasks past their retention, and ListTasks omissions of them.
    package var agedOutAnswers = 0
    /// Every RunTask that passed authentication, in arrival order: when, with which clientToken, and the
    /// fault injected instead of processing it (nil when processed). Pacing tests read it.
    package var runTaskAttempts: [RunTaskAttempt] = []
    /// Every task started: when and with which tags. Limit tests derive concurrency from it.
    package var startedTasks: [StartedTask] = []

    package struct RunTaskAttempt: Sendable, Equatable {
        package var at: Date
        package var clientToken: String?
        package var fault: String?
    }

    package struct StartedTask: Sendable, Equatable {
        package var at: Date
        package var clientToken: String?
        package var tags: [String: String]
    }

    package init() {}

    /// The `GET /_emulator/stats` body.
    package var json: JSONValue {
        .object([
            "calls": .object(calls.mapValues { .int(Int64($0)) }),
            "runTaskWorkloads": .int(Int64(runTaskWorkloads)),
            "runTaskReplays": .int(Int64(runTaskReplays)),
            "workloadsByClientToken": .object(workloadsByClientToken.mapValues { .int(Int64($0)) }),
            "taskDefinitionsRegistered": .int(Int64(taskDefinitionsRegistered)),
            "taskDefinitionsDeregistered": .int(Int64(taskDefinitionsDeregistered)),
            "tasksStopped": .int(Int64(tasksStopped)),
            "authenticationFailures": .int(Int64(authenticationFailures)),
            "faultsInjected": .int(Int64(faultsInjected)),
            "peakConcurrentTasks": .int(Int64(peakConcurrentTasks)),
            "missingAnswers": .int(Int64(missingAnswers)),
            "agedOutAnswers": .int(Int64(agedOutAnswers)),
        ])
    }
}
