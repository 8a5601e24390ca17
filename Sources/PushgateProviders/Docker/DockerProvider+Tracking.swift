import Foundation
import PushgateCore

/// Polling (docs/provider-apis.md §7.3): one listing of every gateway container by label, then an inspect only
/// for those whose exit code or OOM flag is needed, or that the listing does not show.
extension DockerProvider {
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        let purpose = "docker containers.list"
        let response = try await send(requests.listContainers(), purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose) }
        var states: [String: String] = [:]
        for container in try json(response, purpose).arrayValue ?? [] {
            let state = container.nonEmptyString("State") ?? ""
            for name in container["Names"]?.arrayValue ?? [] {
                if let name = name.stringValue { states[name.hasPrefix("/") ? String(name.dropFirst()) : name] = state }
            }
        }
        var out: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        for target in targets {
            let name = target.handle.value
            switch states[name] {
            case "running"?, "restarting"?, "paused"?:
                out[target.handle] = ProviderStatus(.running)
            case "created"? where !target.cancelRequested:
                out[target.handle] = ProviderStatus(.pending)
            default:
                do {
                    if let container = try await inspect(name) {
                        out[target.handle] = DockerStatusMapping.status(inspect: container, cancelRequested: target.cancelRequested)
                    } else {
                        out[target.handle] = DockerStatusMapping.missing(cancelRequested: target.cancelRequested)
                    }
                } catch {
                    firstError = firstError ?? error
                }
            }
        }
        if out.isEmpty, let firstError { throw firstError }
        return out
    }
}
