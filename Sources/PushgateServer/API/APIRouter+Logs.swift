import Foundation
import PushgateCore
import PushgateHTTPServer

/// `GET /flow_runs/{id}/logs[?offset=N][&max_bytes=N][&lines=N]`: the run's output (docs/provider-apis.md
/// §6.6). Without `offset` the tail (last `lines` lines, default 200, within `max_bytes`, default 64 KiB);
/// with it everything from that absolute offset, to follow with the answer's `next`.
extension APIRouter {
    func logs(_ request: ServerRequest, runID: String, now: Date) async throws -> ServerResponse {
        guard let providers else { throw APIError(503, "no providers are configured") }
        func number(_ name: String, minimum: Int) throws(APIError) -> Int? {
            guard let text = request.queryValue(name) else { return nil }
            guard let value = Int(text), value >= minimum else {
                throw APIError(422, "\(name) must be an integer of at least \(minimum), got '\(text)'")
            }
            return value
        }
        let offset = try number("offset", minimum: 0)
        let maxBytes = min(try number("max_bytes", minimum: 1) ?? 64 * 1024, 1 << 20)
        let lines = try number("lines", minimum: 0)
        let query = ProviderLogQuery(offset: offset, maxBytes: maxBytes, maxLines: offset == nil ? (lines ?? 200) : nil)
        switch try await RunLogs.read(runID: runID, query: query, store: store, providers: providers, now: now) {
        case .noWorkload(let run):
            return APIRouter.json(
                200,
                ["run_id": .string(run.id), "text": "", "start": 0, "next": .int(Int64(offset ?? 0)), "finished": .bool(run.state.isTerminal)]
            )
        case .unsupported(let run, let type):
            throw APIError.notFound("run \(run.id) is in a \(type) pool, which offers no logs through pushgate")
        case .output(let run, let chunk):
            return APIRouter.json(
                200,
                [
                    "run_id": .string(run.id), "text": .string(chunk.text), "start": .int(Int64(chunk.start)),
                    "next": .int(Int64(chunk.next)), "finished": .bool(chunk.finished),
                ]
            )
        }
    }
}
