import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateServer

/// `pushgate run logs ID [--follow]`: the run's output read where its provider keeps it, through the same
/// ``RunLogs`` the API's `GET /flow_runs/{id}/logs` uses.
extension RunCommand {
    static func logs(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        let id = try SubcommandDispatch.operands(parsed, ["ID"])[0]
        func count(_ name: String, minimum: Int) throws -> Int? {
            guard let text = parsed.option(name) else { return nil }
            guard let value = Int(text), value >= minimum else {
                throw UsageError("--\(name) expects an integer of at least \(minimum), got '\(text)'")
            }
            return value
        }
        let lines = try count("lines", minimum: 0) ?? 200
        let maxBytes = try count("max-bytes", minimum: 1) ?? 64 * 1024
        let interval = try parsed.option("interval").map(DurationArgument.parse) ?? 0.3
        let follow = parsed.flag("follow")
        let credentialsPath = parsed.option("credentials") ?? context.environment["PUSHGATE_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 }
        let credentials: CredentialsFile?
        do {
            credentials = try credentialsPath.map { try CredentialsFile.load(path: $0, kinds: ProviderRegistry.profileKinds) }
        } catch let error as CredentialsError {
            throw JSONArgument.Failure.io(error.message)
        }
        // Cloud types read their output over the network (CloudWatch Logs, ARM); the process type reads files.
        let http: CurlHTTPClient
        do {
            http = try CurlHTTPClient()
        } catch {
            throw JSONArgument.Failure.io("cannot start the HTTP client: \(error)")
        }
        defer { http.shutdown() }
        let providers = CredentialsProviderDirectory(
            credentials: credentials,
            http: http,
            http2: http,
            clock: SystemClock(),
            environment: context.environment,
            local: DataDirectory.local(context, path: DataDirectory.path(context, option: parsed.option("data-dir")))
        )
        return await StoreAccess.withStore(command, context) { store in
            var offset: Int? = follow ? 0 : nil
            while true {
                let query = ProviderLogQuery(offset: offset, maxBytes: follow ? 1 << 20 : maxBytes, maxLines: follow ? nil : lines)
                let answer: RunLogs.Answer
                do {
                    answer = try await RunLogs.read(runID: id, query: query, store: store, providers: providers, now: Date())
                } catch let error as ProviderError {
                    context.error("pushgate \(command): \(error)")
                    return error.code == .unavailable ? .usage : .failure
                }
                switch answer {
                case .unsupported(let run, let type):
                    context.error("pushgate \(command): run \(run.id) is in a \(type) pool, which offers no logs through pushgate")
                    return .failure
                case .noWorkload(let run):
                    if !follow || run.state.isTerminal {
                        if !follow { context.error("pushgate \(command): run \(run.id) has no output yet (\(run.state.displayName))") }
                        return run.state.isTerminal || !follow ? .success : .failure
                    }
                case .output(_, let chunk):
                    context.write(chunk.text)
                    if !follow || chunk.finished { return .success }
                    if chunk.next != offset {
                        offset = chunk.next
                        continue
                    }
                }
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }
    }
}
