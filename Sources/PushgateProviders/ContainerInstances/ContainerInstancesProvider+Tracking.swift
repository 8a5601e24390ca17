import Foundation
import PushgateCore

/// Polling (docs/provider-apis.md §4.3): one GET per group, and a second look when a GET answers 404.
extension ContainerInstancesProvider {
    /// One GET per target. A target whose call fails is left out; if all fail, the first error is thrown.
    /// A 404 is no proof that the group is gone (ARM answers 404 while a resource group is being re-read),
    /// so it is settled by ``settleNotFound(_:resourceID:)`` before the run can end.
    package func poll(_ targets: [PollTarget]) async throws -> [ProviderHandle: ProviderStatus] {
        var out: [ProviderHandle: ProviderStatus] = [:]
        var firstError: (any Error)?
        for target in targets {
            do {
                let resourceID = try resourceID(target.handle, job: target.job)
                if let group = try await fetchGroup(resourceID, name: target.handle.value) {
                    out[target.handle] = ContainerGroupStatusMapping.status(group: group, cancelRequested: target.cancelRequested)
                } else {
                    out[target.handle] = try await settleNotFound(target, resourceID: resourceID)
                }
            } catch {
                firstError = firstError ?? error
            }
        }
        if out.isEmpty, let firstError { throw firstError }
        return out
    }

    /// After a GET answered 404: GET the group once more, then list the resource group's groups. The group is
    /// gone (Crashed, or Cancelled after a cancel) only when the second GET answers 404 too and the listing
    /// answers without it; a group the second GET returns is mapped as usual; anything else (the listing shows
    /// the group, or fails, for example with `ResourceGroupNotFound` while the resource group is re-read) is
    /// Unconfirmed, so the run keeps its slot. Only cancellation is thrown.
    func settleNotFound(_ target: PollTarget, resourceID: String) async throws -> ProviderStatus {
        let spec: ContainerGroupSpec
        do {
            spec = try self.spec(target.job)
            if let group = try await fetchGroup(resourceID, name: target.handle.value) {
                return ContainerGroupStatusMapping.status(group: group, cancelRequested: target.cancelRequested)
            }
        } catch let error as ProviderError {
            return ContainerGroupStatusMapping.unconfirmed("the second GET failed: \(error.message)")
        }
        let name = resourceID.split(separator: "/").last.map(String.init) ?? ""
        do {
            let names = try await groupNames(subscriptionID: spec.subscriptionID, resourceGroup: spec.resourceGroup)
            if names.contains(name.lowercased()) {
                return ContainerGroupStatusMapping.unconfirmed("the resource group's listing shows \(name)")
            }
        } catch let error as ProviderError {
            return ContainerGroupStatusMapping.unconfirmed("listing the resource group failed: \(error.message)")
        }
        return ContainerGroupStatusMapping.missing(cancelRequested: target.cancelRequested)
    }

    /// Most listing pages followed: far more groups than one resource group holds in practice.
    static let maxListingPages = 50

    /// The lower-cased names of the resource group's container groups, following `nextLink`. Throws
    /// ``ProviderError`` when a page does not answer 200 (after the ARM retries) or more pages follow than
    /// ``maxListingPages``, since an incomplete listing proves nothing.
    func groupNames(subscriptionID: String, resourceGroup: String) async throws -> Set<String> {
        let purpose = "ACI containerGroups.list in \(resourceGroup)"
        var request = requests.list(subscriptionID: subscriptionID, resourceGroup: resourceGroup)
        var names: Set<String> = []
        for _ in 0..<Self.maxListingPages {
            let response = try await api.send(request, purpose: purpose)
            guard (200..<300).contains(response.status) else { throw failure(response, purpose) }
            let page = try json(response, purpose)
            for group in page["value"]?.arrayValue ?? [] {
                if let name = group["name"]?.stringValue { names.insert(name.lowercased()) }
            }
            guard let next = page.nonEmptyString("nextLink") else { return names }
            request = requests.nextPage(next)
        }
        throw ProviderError(.unavailable, "\(purpose): more than \(Self.maxListingPages) pages")
    }
}
