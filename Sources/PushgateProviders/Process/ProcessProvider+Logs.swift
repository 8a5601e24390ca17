import Foundation
import PushgateCore

/// The command's output from its attempt directory (docs/provider-apis.md §6.6): the tail, or everything
/// from an offset for `--follow`.
extension ProcessProvider {
    package func logs(_ handle: ProviderHandle, job: SubmissionJob, query: ProviderLogQuery) async throws -> ProviderLogChunk? {
        let directory = try directory(handle)
        guard let observation = try io("read attempt \(handle.value)", { try client.observe(directory) }) else {
            throw ProviderError(.notFound, "process attempt \(handle.value) has no directory under \(attemptsRoot)")
        }
        let ended = ProcessStatusMapping.status(observation, cancelRequested: false).state.isTerminal
        if let offset = query.offset {
            let read = try io("read output of \(handle.value)") { try client.readOutput(directory, from: offset, maxBytes: query.maxBytes) }
            return ProviderLogChunk(
                text: String(decoding: read.bytes, as: UTF8.self),
                start: read.start,
                next: read.end,
                finished: ended && read.end >= read.total
            )
        }
        // The tail: the last maxBytes, cut to the last maxLines lines.
        let total = try io("read output of \(handle.value)") { try client.readOutput(directory, from: Int.max / 2, maxBytes: 0) }.total
        let read = try io("read output of \(handle.value)") {
            try client.readOutput(directory, from: max(0, total - query.maxBytes), maxBytes: query.maxBytes)
        }
        // A read that starts mid-output starts mid-line: drop that partial line when a whole one follows.
        var bytes = read.bytes
        if read.start > 0, let newline = bytes.firstIndex(of: 0x0A), newline + 1 < bytes.endIndex { bytes = bytes[(newline + 1)...] }
        let tail = LogTail.lastLines(Data(bytes), count: query.maxLines)
        return ProviderLogChunk(
            text: String(decoding: tail, as: UTF8.self),
            start: read.end - tail.count,
            next: read.end,
            finished: ended && read.end >= read.total
        )
    }
}
