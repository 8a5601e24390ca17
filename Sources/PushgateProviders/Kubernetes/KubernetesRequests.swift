import Foundation
import PushgateCore

/// The kube-apiserver calls the provider makes, as pure request values (docs/provider-apis.md §10.2–§10.5).
/// `Authorization` is added by the sender; the connection options carry the cluster CA and client certificate.
package struct KubernetesRequests: Sendable {
    package var connection: KubernetesConnection
    package var requestTimeout: TimeInterval

    package init(connection: KubernetesConnection, requestTimeout: TimeInterval = 30) {
        self.connection = connection
        self.requestTimeout = requestTimeout
    }

    private func request(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: JSONValue? = nil,
        idempotent: Bool = true
    )
        -> HTTPRequest
    {
        var url = connection.baseURL + path
        if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&") }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if body != nil { headers.add("Content-Type", "application/json") }
        return HTTPRequest(
            method: method,
            url: url,
            headers: headers,
            body: body?.data() ?? Data(),
            timeout: requestTimeout,
            isIdempotent: idempotent,
            connection: connection.options
        )
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func jobs(_ namespace: String) -> String { "/apis/batch/v1/namespaces/\(escape(namespace))/jobs" }

    /// `POST …/jobs?fieldValidation=Strict`: the name is the idempotency key, a second create answers
    /// 409 `AlreadyExists`; strict validation refuses unknown fields instead of dropping them.
    package func createJob(_ spec: KubernetesJobSpec) -> HTTPRequest {
        request("POST", Self.jobs(spec.namespace), query: [("fieldValidation", "Strict")], body: spec.manifest, idempotent: false)
    }

    package func getJob(namespace: String, name: String) -> HTTPRequest {
        request("GET", Self.jobs(namespace) + "/" + Self.escape(name))
    }

    /// `GET …/jobs?labelSelector=pushgate.io/run-id in (…)`: every polled Job of one namespace in one call.
    package func listJobs(namespace: String, runIDs: [String]) -> HTTPRequest {
        request("GET", Self.jobs(namespace), query: [("labelSelector", Self.selector(runIDs))])
    }

    /// `GET /api/v1/namespaces/{ns}/pods?labelSelector=…`: the pods of the same runs (the pod template carries
    /// the run label), for container waiting reasons and scheduling.
    package func listPods(namespace: String, runIDs: [String]) -> HTTPRequest {
        request("GET", "/api/v1/namespaces/\(Self.escape(namespace))/pods", query: [("labelSelector", Self.selector(runIDs))])
    }

    /// The pods of one Job by the `job-name` label the Job controller sets.
    package func listPods(namespace: String, jobName: String) -> HTTPRequest {
        request("GET", "/api/v1/namespaces/\(Self.escape(namespace))/pods", query: [("labelSelector", "job-name=\(jobName)")])
    }

    /// `DELETE …/jobs/{name}` with `propagationPolicy`: `Foreground` for a cancel (the Job stays, marked for
    /// deletion, until its pods are gone, so the run ends only once nothing runs), `Background` for a clean-up.
    package func deleteJob(namespace: String, name: String, propagation: String) -> HTTPRequest {
        request(
            "DELETE",
            Self.jobs(namespace) + "/" + Self.escape(name),
            body: ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagation)]
        )
    }

    /// `GET /api/v1/namespaces/{ns}/pods/{name}/log[?tailLines=N]`: the pod's single container's output.
    package func podLog(namespace: String, pod: String, tailLines: Int?) -> HTTPRequest {
        request(
            "GET",
            "/api/v1/namespaces/\(Self.escape(namespace))/pods/\(Self.escape(pod))/log",
            query: tailLines.map { [("tailLines", String($0))] } ?? []
        )
    }

    /// A set-based selector `pushgate.io/run-id in (a,b)` over sanitized run ids.
    static func selector(_ runIDs: [String]) -> String {
        "\(KubernetesJobSpec.runLabel) in (\(runIDs.map(KubernetesJobSpec.labelValue).sorted().joined(separator: ",")))"
    }

    /// The API's `Status` body: its `reason` (AlreadyExists, NotFound, Conflict, TooManyRequests…).
    package static func reason(_ response: HTTPResponse) -> String? {
        (try? JSONValue.parse(response.body))?.nonEmptyString("reason")
    }

    package static func message(_ response: HTTPResponse) -> String? {
        (try? JSONValue.parse(response.body))?.nonEmptyString("message")
    }
}
