import PushgateCore

/// Maps a container's `State` (from `GET /containers/{id}/json`) to a run state (docs/provider-apis.md §7.3).
/// Pure: whether the gateway asked to stop the container is an input, since the engine reports our stop and
/// an outside kill alike (exit 137 or 143).
package enum DockerStatusMapping {
    package static func status(inspect: JSONValue, cancelRequested: Bool) -> ProviderStatus {
        let state = inspect["State"] ?? .null
        let status = state["Status"]?.stringValue ?? ""
        switch status {
        case "created": return ProviderStatus(cancelRequested ? .cancelled : .pending, reason: cancelRequested ? "cancelled before it started" : nil)
        case "running", "restarting", "paused": return ProviderStatus(.running)
        case "exited", "dead", "removing", "stopped":
            let exitCode = state["ExitCode"]?.intValue.map(Int.init)
            if state["OOMKilled"]?.boolValue == true {
                let limit = inspect.member(at: "HostConfig", "Memory")?.intValue.map { " of \($0) bytes" } ?? ""
                return ProviderStatus(.crashed, exitCode: exitCode, reason: "OOM-killed: the container exceeded its memory limit\(limit)")
            }
            if cancelRequested {
                return ProviderStatus(.cancelled, exitCode: exitCode, reason: "stopped by the gateway on cancellation")
            }
            if status == "dead" {
                return ProviderStatus(.crashed, exitCode: exitCode, reason: "the engine reports the container dead" + detail(state))
            }
            guard let exitCode else { return ProviderStatus(.crashed, reason: "the container exited without an exit code" + detail(state)) }
            if exitCode == 0 { return ProviderStatus(.completed, exitCode: 0) }
            if exitCode == 137, let limit = inspect.member(at: "HostConfig", "Memory")?.intValue, limit > 0 {
                // Some engines (podman 4.3 with runc on cgroup v1) do not set OOMKilled: say what it may have been.
                return ProviderStatus(
                    .failed,
                    exitCode: exitCode,
                    reason: "exit code 137: killed by SIGKILL, possibly for exceeding its memory limit of \(limit) bytes"
                )
            }
            return ProviderStatus(.failed, exitCode: exitCode, reason: "exit code \(exitCode)" + detail(state))
        default:
            return ProviderStatus(.unconfirmed, reason: "the engine reports an unknown container state '\(status)'")
        }
    }

    /// The container is gone (removed from outside, or its engine lost it).
    package static func missing(cancelRequested: Bool) -> ProviderStatus {
        cancelRequested
            ? ProviderStatus(.cancelled, reason: "the container was removed after the cancellation")
            : ProviderStatus(.crashed, reason: "the container no longer exists on the engine")
    }

    /// `: <State.Error>` when the engine gave one (a start failure: no such file, permission denied…).
    static func detail(_ state: JSONValue) -> String {
        state.nonEmptyString("Error").map { ": \($0)" } ?? ""
    }
}
