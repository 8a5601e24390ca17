import Foundation
import PushgateCore

/// Submit, look up, poll, cancel and clean up (docs/provider-apis.md §1.3, §4.2–§4.4).
extension ContainerInstancesProvider {
    /// GET, then PUT only on 404; after an ambiguous PUT, GET again before anything is re-sent.
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        let handle = Self.handle(runID: job.runID, name: spec.name)
        if try await fetchGroup(spec.resourceID, name: spec.name) != nil { return handle }
        let location = try await resolveLocation(spec)
        let purpose = "ACI containerGroups.put \(spec.name) in \(spec.resourceGroup)"
        for _ in 0..<2 {
            do {
                let response = try await api.send(requests.put(spec.resourceID, body: spec.body(location: location)), purpose: purpose)
                guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
                return handle
            } catch let error as ProviderError where error.code == .ambiguous {
                // The PUT may have created the group: look before re-sending (a second PUT would restart it).
                if try await fetchGroup(spec.resourceID, name: spec.name) != nil { return handle }
            }
        }
        throw ProviderError(.ambiguous, "\(purpose): the container group could not be confirmed; look the run up before re-sending")
    }

    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        guard try await fetchGroup(spec.resourceID, name: spec.name) != nil else { return nil }
        return Self.handle(runID: job.runID, name: spec.name)
    }

    /// `POST …/stop`: the containers are terminated and the group stays, state Stopped (§4.4).
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let resourceID = try resourceID(handle, job: job)
        let purpose = "ACI containerGroups.stop \(handle.value)"
        let response = try await api.send(requests.stop(resourceID), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// Stops a group whose containers still run, then `DELETE`s it, unless `keep_container_group`; a group
    /// already gone is fine (docs/provider-apis.md §4.4). ARM deletes a running group too, killing its
    /// containers, but the DELETE completes asynchronously (202), while the stop has terminated them when it
    /// answers (204). Clean-up runs once the run is recorded as ended, also when the gateway ended it on a
    /// timeout while it still ran, so the containers are stopped first and are not left running behind it.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        if job.configuration["keep_container_group"]?.boolValue == true { return }
        let resourceID = try resourceID(handle, job: job)
        // A failed or 404 GET skips the stop only: the DELETE still ends a group that exists.
        if let group = try? await fetchGroup(resourceID, name: handle.value),
            !ContainerGroupStatusMapping.status(group: group, cancelRequested: false).state.isTerminal
        {
            try await cancel(handle, job: job, reason: "clean-up of a group that still runs")
        }
        let purpose = "ACI containerGroups.delete \(handle.value)"
        let response = try await api.send(requests.delete(resourceID), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// `GET` the group; nil on 404.
    func fetchGroup(_ resourceID: String, name: String) async throws -> JSONValue? {
        let purpose = "ACI containerGroups.get \(name)"
        let response = try await api.send(requests.get(resourceID), purpose: purpose)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
        return try json(response, purpose)
    }

    /// The configured location, else the resource group's (what ARM's `resourceGroup().location` means). The
    /// GET has the rules of every ARM call (429 after Retry-After and 5xx retried, errors naming the call), and
    /// a 404 is read once more: ARM answers 404 while it re-reads a resource group (docs/provider-apis.md §4.3).
    /// A second 404 is `unavailable`, so the submission is tried again later; nothing was created yet.
    func resolveLocation(_ spec: ContainerGroupSpec) async throws -> String {
        if let location = spec.location { return location }
        let purpose = "ARM resourceGroups.get \(spec.resourceGroup)"
        var response = try await getResourceGroup(spec, purpose: purpose)
        if response.status == 404 { response = try await getResourceGroup(spec, purpose: purpose) }
        guard (200..<300).contains(response.status) else {
            if response.status == 404 {
                throw ProviderError(
                    .unavailable,
                    "\(purpose) answered 404 twice: resource group \(spec.resourceGroup) was not found (ARM answers so while it "
                        + "re-reads a resource group, so the submission is tried again; if it persists, check "
                        + "job_configuration $.resource_group_name)",
                    httpStatus: 404,
                    providerCode: ContainerGroupRequests.errorCode(response)
                )
            }
            throw failure(response, purpose)
        }
        guard let location = try json(response, purpose).nonEmptyString("location") else {
            throw ProviderError(.rejected, "\(purpose): the resource group has no location")
        }
        return location
    }

    private func getResourceGroup(_ spec: ContainerGroupSpec, purpose: String) async throws -> HTTPResponse {
        try await api.send(requests.getResourceGroup(subscriptionID: spec.subscriptionID, resourceGroup: spec.resourceGroup), purpose: purpose)
    }
}
