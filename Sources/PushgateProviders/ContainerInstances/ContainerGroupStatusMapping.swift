import PushgateCore

/// Maps a container group (`GET`) to a run state (docs/provider-apis.md §1.4 and §4.3 "Mapping"). Pure:
/// whether the gateway stopped or deleted the group is an input, since ACI reports our stop and an
/// outside one alike. provisioningState is checked first: a failed provision can leave states that
/// look non-terminal (§4.3, the Get_Failed example).
package enum ContainerGroupStatusMapping {
    package static func status(group: JSONValue, cancelRequested: Bool) -> ProviderStatus {
        let properties = group["properties"] ?? .null
        let provisioning = properties["provisioningState"]?.stringValue
        let container = properties["containers"]?.arrayValue?.first?.member(at: "properties", "instanceView")
        let current = container?["currentState"]
        let containerState = current?["state"]?.stringValue
        if provisioning == "Failed" {
            return ProviderStatus(.crashed, reason: "provisioning failed" + (lastEvent(properties, container).map { ": \($0)" } ?? ""))
        }
        if properties.member(at: "instanceView", "state")?.stringValue == "Stopped" || containerState == "Node Stopped"
            || provisioning == "Canceled" || provisioning == "Deleting"
        {
            return stopped(cancelRequested: cancelRequested, what: "the container group was stopped")
        }
        switch containerState {
        case "Terminated":
            let exitCode = current?.protoInteger("exitCode")
            let detail = current?["detailStatus"]?.stringValue
            if exitCode == 0 { return ProviderStatus(.completed, exitCode: 0, reason: detail) }
            if cancelRequested { return ProviderStatus(.cancelled, exitCode: exitCode, reason: detail ?? "stopped by the gateway") }
            guard let exitCode else { return ProviderStatus(.crashed, reason: "terminated without an exit code" + (detail.map { ": \($0)" } ?? "")) }
            return ProviderStatus(.failed, exitCode: exitCode, reason: detail ?? "exit code \(exitCode)")
        case "Running" where provisioning != "Pending" && provisioning != "Creating":
            return ProviderStatus(.running)
        default:
            return ProviderStatus(.pending, reason: provisioning)
        }
    }

    /// The group is gone: a GET answered 404, a second GET did too, and the resource group's listing does not
    /// show it (docs/provider-apis.md §4.3). Gone after our stop or delete → Cancelled, otherwise lost → Crashed.
    /// A deleted group's containers are killed with it, so the workload has ended.
    package static func missing(cancelRequested: Bool) -> ProviderStatus {
        stopped(cancelRequested: cancelRequested, what: "the container group no longer exists")
    }

    /// A GET answered 404 but the second look did not prove the group gone (docs/provider-apis.md §4.3): the
    /// run stays in flight, `why` says what was seen.
    package static func unconfirmed(_ why: String) -> ProviderStatus {
        ProviderStatus(.unconfirmed, reason: "container group GET answered 404, but \(why)")
    }

    private static func stopped(cancelRequested: Bool, what: String) -> ProviderStatus {
        cancelRequested
            ? ProviderStatus(.cancelled, reason: "cancelled by the gateway")
            : ProviderStatus(.crashed, reason: "\(what) without a cancel from the gateway")
    }

    /// The latest event message of the group or its container (why provisioning failed).
    private static func lastEvent(_ properties: JSONValue, _ container: JSONValue?) -> String? {
        let events = (properties.member(at: "instanceView", "events")?.arrayValue ?? []) + (container?["events"]?.arrayValue ?? [])
        return events.reversed().lazy.compactMap { event -> String? in
            let name = event["name"]?.stringValue
            let message = event["message"]?.stringValue
            if name == nil && message == nil { return nil }
            return [name, message].compactMap { $0 }.joined(separator: ": ")
        }.first
    }
}
