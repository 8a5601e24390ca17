import CCurl
import Foundation
import PushgateCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The one thread that drives a client's multi handle: it adds submitted transfers, runs
/// `curl_multi_perform`, reaps finished transfers with `curl_multi_info_read` and sleeps in
/// `curl_multi_poll` (https://curl.se/libcurl/c/curl_multi_poll.html). Other threads talk to it only
/// through the locked inbox and `curl_multi_wakeup`, so libcurl handles are never shared across threads.
final class CurlEventLoop: @unchecked Sendable {
    private struct Inbox {
        var added: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var stopping = false
        var thread: pthread_t?
    }

    private let multi: CurlMultiHandle
    private let inbox = Mutex(Inbox())
    let statistics = Mutex(CurlHTTPClientStatistics())
    /// Loop-thread only: the transfers attached to the multi handle, by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(configuration: CurlHTTPClientConfiguration) throws(HTTPClientError) {
        multi = try CurlMultiHandle(configuration: configuration)
        statistics.withLock { $0.multiHandlesCreated += 1 }
    }

    func start() throws(HTTPClientError) {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, curlEventLoopThreadMain, context)
        guard result == 0 else {
            Unmanaged<CurlEventLoop>.fromOpaque(context).release()
            throw HTTPClientError(.other, "pthread_create for the curl event loop failed", underlyingCode: Int(result))
        }
        inbox.withLock { $0.thread = thread }
        statistics.withLock { $0.loopThreadsStarted += 1 }
    }

    /// Hands a transfer to the loop; false once the loop is stopping.
    func submit(_ transfer: CurlTransfer) -> Bool {
        let accepted = inbox.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.added.append(transfer)
            return true
        }
        if accepted { multi.wakeup() }
        return accepted
    }

    /// Asks the loop to detach a transfer and resume it with `.cancelled`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .sequentiallyConsistent)
        inbox.withLock { $0.cancelled.append(transfer) }
        multi.wakeup()
    }

    /// Stops the loop, fails whatever is still in flight with `.cancelled`, and joins the thread.
    func stop() {
        let thread = inbox.withLock { state -> pthread_t? in
            state.stopping = true
            defer { state.thread = nil }
            return state.thread
        }
        multi.wakeup()
        if let thread { pthread_join(thread, nil) }
    }

    /// The loop body; runs on the loop thread until ``stop()``.
    fileprivate func run() {
        while true {
            let (added, cancelled, stopping) = inbox.withLock { state in
                defer {
                    state.added.removeAll()
                    state.cancelled.removeAll()
                }
                return (state.added, state.cancelled, state.stopping)
            }
            for transfer in added { attach(transfer) }
            for transfer in cancelled { detach(transfer, because: "cancelled") }
            if stopping {
                for transfer in Array(active.values) { detach(transfer, because: "the client was shut down") }
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            reapFinished()
            _ = curl_multi_poll(multi.raw, nil, 0, 1000, nil)
        }
    }

    private func attach(_ transfer: CurlTransfer) {
        if transfer.cancelRequested.load(ordering: .sequentiallyConsistent) {
            finish(transfer, with: .failure(HTTPClientError(.cancelled, "\(transfer.label): cancelled")))
            return
        }
        let code = curl_multi_add_handle(multi.raw, transfer.easy)
        guard code == CURLM_OK else {
            let reason = String(cString: curl_multi_strerror(code))
            let error = HTTPClientError(
                .other,
                "\(transfer.label): curl_multi_add_handle failed: \(reason)",
                underlyingCode: Int(code.rawValue)
            )
            finish(transfer, with: .failure(error))
            return
        }
        active[transfer.easy] = transfer
        let inFlight = active.count
        statistics.withLock { $0.maxTransfersInFlight = max($0.maxTransfersInFlight, inFlight) }
    }

    private func detach(_ transfer: CurlTransfer, because reason: String) {
        guard active.removeValue(forKey: transfer.easy) != nil else { return }  // already finished
        _ = curl_multi_remove_handle(multi.raw, transfer.easy)
        finish(transfer, with: .failure(HTTPClientError(.cancelled, "\(transfer.label): \(reason)")))
    }

    private func reapFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = active.removeValue(forKey: easy)
            else { continue }
            let code = message.pointee.data.result
            let connections = transfer.getLong(CURLINFO_NUM_CONNECTS)
            _ = curl_multi_remove_handle(multi.raw, easy)
            statistics.withLock { $0.connectionsOpened += connections }
            finish(transfer, with: transfer.outcome(of: code))
        }
    }

    private func finish(_ transfer: CurlTransfer, with result: Result<CurlHTTPResult, HTTPClientError>) {
        statistics.withLock { $0.transfersFinished += 1 }
        guard let continuation = transfer.continuation else { return }
        transfer.continuation = nil
        continuation.resume(with: result.mapError { $0 as any Error })
    }
}

/// The pthread entry point: a plain C-compatible function, so it carries no actor isolation.
private func curlEventLoopThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    let loop = Unmanaged<CurlEventLoop>.fromOpaque(context).takeRetainedValue()
    loop.run()
    return nil
}
