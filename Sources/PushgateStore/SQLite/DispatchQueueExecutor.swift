import Dispatch

/// A serial executor backed by one `DispatchQueue`, so an actor using it runs its blocking C calls off the
/// cooperative thread pool (docs/style-anchors.md §2.6; GRDB's DispatchQueueActor shape). Its only state is the
/// queue, which is thread-safe, hence `@unchecked Sendable`.
final class DispatchQueueExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
