import Foundation
import PushgateCore

/// The Vertex AI `customJobs` calls (`aiplatform.v1` discovery document), as pure request values without
/// the bearer token (docs/provider-apis.md §9.1–§9.5). The endpoint is regional,
/// `https://{region}-aiplatform.googleapis.com`, as Prefect's worker sets it.
package struct VertexRequests: Sendable {
    /// The profile's `aiplatform_endpoint`, when set, replaces the regional endpoint.
    package var endpointOverride: String?

    package init(endpointOverride: String?) {
        self.endpointOverride = endpointOverride.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    package func endpoint(region: String) -> String { endpointOverride ?? "https://\(region)-aiplatform.googleapis.com" }

    /// `customJobs.create`: no client-supplied id exists, so a repeat makes a second job; never re-sent
    /// without a look-up first (§9.3).
    package func create(_ spec: VertexCustomJobSpec) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(endpoint(region: spec.region))/v1/\(spec.parent)/customJobs",
            headers: ["Content-Type": "application/json"],
            body: spec.body.data(),
            isIdempotent: false
        )
    }

    /// `customJobs.list` with the run-identity label filter; `pageToken` asks for a later page (§9.3).
    package func list(_ spec: VertexCustomJobSpec, pageToken: String? = nil) -> HTTPRequest {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let filter = spec.filter.addingPercentEncoding(withAllowedCharacters: allowed) ?? spec.filter
        var url = "\(endpoint(region: spec.region))/v1/\(spec.parent)/customJobs?filter=\(filter)"
        if let pageToken { url += "&pageToken=" + (pageToken.addingPercentEncoding(withAllowedCharacters: allowed) ?? pageToken) }
        return HTTPRequest(method: "GET", url: url)
    }

    /// `customJobs.get` by full name.
    package func get(_ name: String, region: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(endpoint(region: region))/v1/\(name)")
    }

    /// `customJobs.cancel`: harmless to repeat.
    package func cancel(_ name: String, region: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: "\(endpoint(region: region))/v1/\(name):cancel",
            headers: ["Content-Type": "application/json"],
            body: Data("{}".utf8)
        )
    }
}
