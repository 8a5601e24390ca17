import Foundation
import PushgateCore

extension DockerProvider {
    /// The Engine API calls a submission makes, in order: the image check (IfNotPresent), the pull when the
    /// policy always pulls, the create and the start (named by the container name, where a real submission
    /// uses the id the create returns), redacted like every shown request (`X-Registry-Auth` is a secret
    /// header), and env values that are secret by the shared rule (``DryRunRedaction``).
    package func dryRun(_ job: SubmissionJob) async throws -> [HTTPRequest] {
        let spec = try spec(job)
        var out: [HTTPRequest] = []
        switch spec.pullPolicy {
        case .ifNotPresent: out.append(requests.inspectImage(spec.imageReference))
        case .always, .ifPossible: out.append(requests.pullImage(spec.image, auth: spec.registryAuth ?? configuration.registryAuth))
        case .never: break
        }
        var body = spec.body.objectValue ?? [:]
        body["Env"] = .array(
            (body["Env"]?.arrayValue ?? []).map { item in
                guard let text = item.stringValue, let equals = text.firstIndex(of: "=") else { return item }
                let name = String(text[..<equals])
                let value = String(text[text.index(after: equals)...])
                return .string(name + "=" + DryRunRedaction.environmentValue(name: name, value: value, secretValues: job.secretValues))
            }
        )
        out.append(requests.createContainer(name: spec.name, body: .object(body)))
        out.append(requests.startContainer(spec.name))
        return out.map { DryRunRedaction.secrets(Redaction.redact($0), values: job.secretValues) }
    }
}
