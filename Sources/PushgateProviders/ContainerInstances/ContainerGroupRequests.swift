import Foundation
import PushgateCore

/// The ARM calls on a container group, as pure request values without the bearer token
/// (docs/provider-apis.md §4.1–§4.4).
package struct ContainerGroupRequests: Sendable {
    package var endpoint: String
    package var apiVersion: String
    package var resourceGroupAPIVersion: String

    package init(endpoint: String, apiVersion: String, resourceGroupAPIVersion: String = "2021-04-01") {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.resourceGroupAPIVersion = resourceGroupAPIVersion
    }

    private func url(_ resourceID: String, _ suffix: String = "") -> String {
        "\(endpoint)\(resourceID)\(suffix)?api-version=\(apiVersion)"
    }

    /// `GET {group}`: before every PUT (a PUT on an existing group restarts it) and for polling.
    package func get(_ resourceID: String) -> HTTPRequest { HTTPRequest(method: "GET", url: url(resourceID)) }

    /// `PUT {group}`: only after a 404; never re-sent blindly (§1.3).
    package func put(_ resourceID: String, body: JSONValue) -> HTTPRequest {
        HTTPRequest(
            method: "PUT",
            url: url(resourceID),
            headers: ["Content-Type": "application/json"],
            body: body.data(),
            isIdempotent: false
        )
    }

    /// `POST {group}/stop` → 204 (§4.4); stopping twice is harmless.
    package func stop(_ resourceID: String) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url(resourceID, "/stop"))
    }

    /// `GET {group}/containers/{container}/logs[?tail=N]` → `{"content": "…"}`: the container's output as
    /// ACI keeps it (§4.3); without `tail`, all of it.
    package func logs(_ resourceID: String, container: String, tail: Int?) -> HTTPRequest {
        let path = "/containers/" + (container.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? container) + "/logs"
        return HTTPRequest(method: "GET", url: url(resourceID, path) + (tail.map { "&tail=\($0)" } ?? ""))
    }

    /// `DELETE {group}` → 200/202/204 (§4.4).
    package func delete(_ resourceID: String) -> HTTPRequest { HTTPRequest(method: "DELETE", url: url(resourceID)) }

    /// `GET …/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups`: the resource group's
    /// groups, without instance views (§4.1); a second look when a GET answers 404 (§4.3).
    package func list(subscriptionID: String, resourceGroup: String) -> HTTPRequest {
        HTTPRequest(
            method: "GET",
            url: url("/subscriptions/\(subscriptionID)/resourceGroups/\(resourceGroup)/providers/Microsoft.ContainerInstance/containerGroups")
        )
    }

    /// `GET {nextLink}`: the next page of a listing, the URL as ARM gave it.
    package func nextPage(_ link: String) -> HTTPRequest { HTTPRequest(method: "GET", url: link) }

    /// `GET /subscriptions/{s}/resourcegroups/{rg}`: its `location`, ARM's `resourceGroup().location`.
    package func getResourceGroup(subscriptionID: String, resourceGroup: String) -> HTTPRequest {
        HTTPRequest(
            method: "GET",
            url: "\(endpoint)/subscriptions/\(subscriptionID)/resourcegroups/\(resourceGroup)?api-version=\(resourceGroupAPIVersion)"
        )
    }

    /// ARM's error body `{"error":{"code","message"}}`: the code.
    package static func errorCode(_ response: HTTPResponse) -> String? {
        guard let json = try? JSONValue.parse(response.body) else { return nil }
        return json.member(at: "error", "code")?.stringValue
    }

    package static func errorMessage(_ response: HTTPResponse) -> String? {
        guard let json = try? JSONValue.parse(response.body) else { return nil }
        return json.member(at: "error", "message")?.stringValue
    }
}
