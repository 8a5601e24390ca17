import Foundation

/// Answers the real API gives that the fake would otherwise hide (docs/provider-apis.md §2.4, §2.7): MISSING
/// for a task that runs on, stopped tasks that age out, and the count of tasks alive at once.
extension FakeECSServer {
    /// Counts one DescribeTasks read of `task` and tells whether it answers MISSING under the configured
    /// ``FakeECSConfiguration/MissingWindow``.
    func answersMissing(_ task: inout FakeECSState.TaskRecord, now: Date) -> Bool {
        task.describeReads += 1
        guard let window = configuration.missingWindow, window.applies(to: task.clientToken), !task.missingWindowClosed,
            task.describeReads > window.after
        else { return false }
        let since = task.missingSince ?? now
        let spentReads = window.reads.map { task.missingAnswers >= $0 } ?? false
        let spentTime = window.seconds.map { now.timeIntervalSince(since) >= $0 } ?? false
        if spentReads || spentTime {
            task.missingWindowClosed = true
            return false
        }
        task.missingSince = since
        task.missingAnswers += 1
        return true
    }

    /// Whether ListTasks leaves `task` out because its MISSING window is open and hides it from listings.
    func hiddenFromListTasks(_ task: FakeECSState.TaskRecord, now: Date) -> Bool {
        guard let window = configuration.missingWindow, window.hidesFromListTasks, window.applies(to: task.clientToken),
            !task.missingWindowClosed
        else { return false }
        guard let since = task.missingSince else { return window.after == 0 }
        if let reads = window.reads, task.missingAnswers >= reads { return false }
        if let seconds = window.seconds, now.timeIntervalSince(since) >= seconds { return false }
        return true
    }

    /// Whether `task` stopped longer ago than ``FakeECSConfiguration/stoppedTaskRetention``: ECS no longer knows it.
    func agedOut(_ task: FakeECSState.TaskRecord, now: Date) -> Bool {
        guard let retention = configuration.stoppedTaskRetention, task.lastStatus == "STOPPED", let stoppedAt = task.stoppedAt else {
            return false
        }
        return now.timeIntervalSince(stoppedAt) > retention
    }

    /// Adds a just-started task to the live set, drops the ones that have stopped by now, and raises the
    /// peak. The live count only grows when a task starts, so measuring here finds the peak. A task stops
    /// when a describe says so (``noteAdvanced(_:_:)``) or, on a timeline, at its deadline.
    func noteStarted(_ arn: String, now: Date, _ state: inout FakeECSState) {
        while let due = state.stopDeadlines.popDue(now) {
            guard var task = state.tasks[due] else {
                state.liveTasks.remove(due)
                continue
            }
            advance(&task, now: now, describing: false)
            state.tasks[due] = task
            noteAdvanced(task, &state)
        }
        state.liveTasks.insert(arn)
        if case .timeline(let provisioning, let pending, let running) = configuration.lifecycle, let task = state.tasks[arn] {
            let lifetime = provisioning + pending + (task.outcome.neverRuns ? 0 : running)
            state.stopDeadlines.insert(arn, at: task.createdAt.addingTimeInterval(lifetime))
        }
        state.statistics.peakConcurrentTasks = max(state.statistics.peakConcurrentTasks, state.liveTasks.count)
    }

    /// Drops `task` from the live set once it has stopped.
    func noteAdvanced(_ task: FakeECSState.TaskRecord, _ state: inout FakeECSState) {
        if task.lastStatus == "STOPPED" { state.liveTasks.remove(task.arn) }
    }
}
