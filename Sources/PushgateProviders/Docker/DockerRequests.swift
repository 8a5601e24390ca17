import Foundation
import PushgateCore

/// The Engine API calls the provider makes, as pure request values on versioned paths
/// (docs/provider-apis.md §7.2–§7.4).
package struct DockerRequests: Sendable {
    package var configuration: DockerConfiguration

    package init(configuration: DockerConfiguration) { self.configuration = configuration }

    /// The label every container the gateway creates carries; polling lists containers by it.
    package static let runLabel = "pushgate.io/run-id"

    private func request(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        timeout: TimeInterval? = nil,
        idempotent: Bool = true
    ) -> HTTPRequest {
        var url = "\(configuration.endpoint.baseURL)/\(configuration.apiVersion)\(path)"
        if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&") }
        return HTTPRequest(
            method: method,
            url: url,
            headers: headers,
            body: body,
            timeout: timeout ?? configuration.requestTimeout,
            isIdempotent: idempotent,
            connection: configuration.endpoint.connection
        )
    }

    /// Percent-encodes a query value (everything but unreserved characters).
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `GET /images/{name}/json`: 200 when the image is present, 404 when not.
    package func inspectImage(_ image: String) -> HTTPRequest { request("GET", "/images/\(Self.escape(image))/json") }

    /// `POST /images/create?fromImage=…&tag=…`, with `X-Registry-Auth` when there are credentials. A pull
    /// repeated is harmless (the image is only fetched once).
    package func pullImage(_ image: DockerImageReference, auth: DockerRegistryAuth?) -> HTTPRequest {
        var headers: HTTPHeaders = [:]
        if let auth { headers.add("X-Registry-Auth", auth.header) }
        return request(
            "POST",
            "/images/create",
            query: [("fromImage", image.repository), ("tag", image.tag)],
            headers: headers,
            timeout: configuration.pullTimeout
        )
    }

    /// `POST /containers/create?name=…`: the name is the idempotency key, a second create answers 409.
    package func createContainer(name: String, body: JSONValue) -> HTTPRequest {
        request(
            "POST",
            "/containers/create",
            query: [("name", name)],
            headers: ["Content-Type": "application/json"],
            body: body.data(),
            idempotent: false
        )
    }

    /// `POST /containers/{id}/start` → 204, or 304 when it already runs.
    package func startContainer(_ id: String) -> HTTPRequest { request("POST", "/containers/\(Self.escape(id))/start") }

    /// `GET /containers/{id}/json` (an id or a name).
    package func inspectContainer(_ id: String) -> HTTPRequest { request("GET", "/containers/\(Self.escape(id))/json") }

    /// `GET /containers/json?all=1&filters={"label":["pushgate.io/run-id"]}`: every container the gateway
    /// made, running or not, in one call.
    package func listContainers() -> HTTPRequest {
        let filters = JSONValue.object(["label": [.string(Self.runLabel)]]).serialized()
        return request("GET", "/containers/json", query: [("all", "1"), ("filters", filters)])
    }

    /// `POST /containers/{id}/stop?t=…` → 204, 304 when already stopped.
    package func stopContainer(_ id: String, timeout: Int) -> HTTPRequest {
        request(
            "POST",
            "/containers/\(Self.escape(id))/stop",
            query: [("t", String(timeout))],
            timeout: configuration.requestTimeout + Double(timeout)
        )
    }

    /// `DELETE /containers/{id}?force=1&v=1`: kills it if it still runs and removes its anonymous volumes.
    package func removeContainer(_ id: String) -> HTTPRequest {
        request("DELETE", "/containers/\(Self.escape(id))", query: [("force", "1"), ("v", "1")])
    }

    /// `GET /containers/{id}/logs?stdout=1&stderr=1[&tail=N]`: multiplexed frames for a container without a TTY.
    package func logs(_ id: String, tail: Int?) -> HTTPRequest {
        var query = [("stdout", "1"), ("stderr", "1")]
        if let tail { query.append(("tail", String(tail))) }
        return request("GET", "/containers/\(Self.escape(id))/logs", query: query)
    }

    /// `GET /_ping` → 200 `OK` when the engine answers.
    package func ping() -> HTTPRequest { request("GET", "/_ping", timeout: 5) }

    /// `POST /images/create?fromSrc=-&repo=…&tag=…` with a root filesystem tarball as the body: a local image
    /// made without a registry (the demo's).
    package func importImage(tarball: Data, repository: String, tag: String) -> HTTPRequest {
        request(
            "POST",
            "/images/create",
            query: [("fromSrc", "-"), ("repo", repository), ("tag", tag)],
            headers: ["Content-Type": "application/x-tar"],
            body: tarball,
            timeout: configuration.pullTimeout
        )
    }

    /// The engine's error body `{"message": "…"}`.
    package static func errorMessage(_ response: HTTPResponse) -> String? {
        guard let json = try? JSONValue.parse(response.body) else { return nil }
        return json.nonEmptyString("message")
    }
}
