import Foundation

/// 404 answers for groups that exist, as ARM may give them (docs/provider-apis.md §4.3), under the configured
/// ``ContainerInstancesEmulatorConfiguration/NotFoundWindow``.
extension ContainerInstancesEmulator {
    typealias Group = ContainerInstancesEmulatorState.Group

    /// Counts one GET of `group` and returns the scope of the 404 it answers, or nil when it is answered normally.
    func answersNotFound(_ group: inout Group, now: Date) -> ContainerInstancesEmulatorConfiguration.NotFoundWindow.Scope? {
        group.gets += 1
        guard let window = configuration.notFoundWindow, window.applies(to: group.name), !group.notFoundClosed, group.gets > window.after
        else { return nil }
        let since = group.notFoundSince ?? now
        let spentReads = window.reads.map { group.notFoundAnswers >= $0 } ?? false
        let spentTime = window.seconds.map { now.timeIntervalSince(since) >= $0 } ?? false
        if spentReads || spentTime {
            group.notFoundClosed = true
            return nil
        }
        group.notFoundSince = since
        group.notFoundAnswers += 1
        return window.scope
    }

    /// Whether a group of `resourceGroup` is inside an open window of scope `.resourceGroup`: the resource
    /// group is being re-read, so its listing answers 404 too.
    func isBeingReread(_ resourceGroup: String, in state: ContainerInstancesEmulatorState, now: Date) -> Bool {
        guard let window = configuration.notFoundWindow, window.scope == .resourceGroup else { return false }
        return state.groups.values.contains { group in
            guard group.resourceGroup.lowercased() == resourceGroup.lowercased(), window.applies(to: group.name), !group.notFoundClosed,
                let since = group.notFoundSince
            else { return false }
            if let reads = window.reads, group.notFoundAnswers >= reads { return false }
            if let seconds = window.seconds, now.timeIntervalSince(since) >= seconds { return false }
            return true
        }
    }
}
