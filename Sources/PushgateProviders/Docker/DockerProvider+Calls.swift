import Foundation
import PushgateCore

/// Submit, look up, cancel and clean up (docs/provider-apis.md §1.3, §7.2, §7.4).
extension DockerProvider {
    /// Pulls the image when the policy says so, creates the container under its deterministic name (a 409 means
    /// an earlier attempt of this submission created it: adopt it), and starts it unless it already ran: a
    /// container that has left `created` is never started again, so an attempt runs at most once.
    package func submit(_ job: SubmissionJob) async throws -> ProviderHandle {
        let spec = try spec(job)
        try await pullIfNeeded(spec)
        let purpose = "docker containers.create \(spec.name)"
        var response: HTTPResponse
        do {
            response = try await send(requests.createContainer(name: spec.name, body: spec.body), purpose: purpose)
        } catch let error as ProviderError where error.code == .ambiguous {
            // The create may have happened: look the name up before anything is re-sent.
            guard let existing = try await inspect(spec.name) else { throw error }
            try await startIfCreated(existing, name: spec.name)
            return ProviderHandle(spec.name)
        }
        if response.status == 404, spec.pullPolicy != .never {
            // The image went away between the check and the create (or the policy skipped the check).
            try await pull(spec)
            response = try await send(requests.createContainer(name: spec.name, body: spec.body), purpose: purpose)
        }
        switch response.status {
        case 201:
            guard let id = try json(response, purpose).nonEmptyString("Id") else {
                throw ProviderError(.unavailable, "\(purpose): the engine answered 201 without an Id")
            }
            try await start(id, name: spec.name)
        case _ where Self.isNameConflict(response):
            guard let existing = try await inspect(spec.name) else {
                throw ProviderError(.ambiguous, "\(purpose): HTTP 409 but no container \(spec.name) is found; look the run up again")
            }
            try await startIfCreated(existing, name: spec.name)
        default:
            throw failure(response, purpose)
        }
        return ProviderHandle(spec.name)
    }

    /// The container of this attempt, by name. One still `created` is started here: a gateway killed between
    /// create and start left the submission half done, and the dispatcher adopts what this finds as submitted.
    package func lookUp(_ job: SubmissionJob) async throws -> ProviderHandle? {
        let spec = try spec(job)
        guard let container = try await inspect(spec.name) else { return nil }
        try await startIfCreated(container, name: spec.name)
        return ProviderHandle(spec.name)
    }

    /// `POST /containers/{id}/stop?t=…`: SIGTERM, then SIGKILL after the grace period; 304 (already stopped)
    /// and 404 (gone) are fine.
    package func cancel(_ handle: ProviderHandle, job: SubmissionJob, reason: String) async throws {
        let purpose = "docker containers.stop \(handle.value)"
        let response = try await send(requests.stopContainer(handle.value, timeout: configuration.stopTimeout), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 304 || response.status == 404 else {
            throw failure(response, purpose)
        }
    }

    /// Removes the container when the template says `auto_remove` (forcing it when it still runs, as after a
    /// gateway timeout); keeps it otherwise, as Prefect's worker does. 404 is fine.
    package func cleanUp(_ handle: ProviderHandle, job: SubmissionJob) async throws {
        guard job.configuration["auto_remove"]?.boolValue == true else { return }
        let purpose = "docker containers.remove \(handle.value)"
        let response = try await send(requests.removeContainer(handle.value), purpose: purpose)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(response, purpose) }
    }

    /// Docker answers a taken name with 409; podman 4.3's compatibility API answers 500 with "is already in
    /// use" (docs/provider-apis.md §7.2), which means the same.
    static func isNameConflict(_ response: HTTPResponse) -> Bool {
        response.status == 409 || (response.status == 500 && (DockerRequests.errorMessage(response) ?? "").contains("is already in use"))
    }

    /// `GET /containers/{name}/json`; nil on 404.
    func inspect(_ name: String) async throws -> JSONValue? {
        let purpose = "docker containers.inspect \(name)"
        let response = try await send(requests.inspectContainer(name), purpose: purpose)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response, purpose) }
        return try json(response, purpose)
    }

    func start(_ id: String, name: String) async throws {
        let purpose = "docker containers.start \(name)"
        let response = try await send(requests.startContainer(id), purpose: purpose)
        guard response.status == 204 || response.status == 304 || response.status == 200 else { throw failure(response, purpose) }
    }

    /// Starts an adopted container only while it is still `created`.
    func startIfCreated(_ container: JSONValue, name: String) async throws {
        guard container.member(at: "State", "Status")?.stringValue == "created" else { return }
        try await start(container.nonEmptyString("Id") ?? name, name: name)
    }

    /// Prefect's pull rules: Always pulls, Never never does, IfNotPresent pulls when the image is missing,
    /// IfPossible tries and carries on with a local image when the pull fails.
    func pullIfNeeded(_ spec: DockerContainerSpec) async throws {
        switch spec.pullPolicy {
        case .never: return
        case .always: try await pull(spec)
        case .ifNotPresent:
            if try await !imagePresent(spec.imageReference) { try await pull(spec) }
        case .ifPossible:
            do {
                try await pull(spec)
            } catch let error as ProviderError {
                if try await !imagePresent(spec.imageReference) { throw error }
            }
        }
    }

    func imagePresent(_ image: String) async throws -> Bool {
        let purpose = "docker images.inspect \(image)"
        let response = try await send(requests.inspectImage(image), purpose: purpose)
        if response.status == 404 { return false }
        guard response.status == 200 else { throw failure(response, purpose) }
        return true
    }

    /// `POST /images/create`. The engine answers 200 and then streams progress; a failure mid-pull arrives
    /// as a `{"error": …}` line in that stream, so the body is read for one.
    func pull(_ spec: DockerContainerSpec) async throws {
        let purpose = "docker images.pull \(spec.imageReference)"
        let response = try await send(requests.pullImage(spec.image, auth: spec.registryAuth ?? configuration.registryAuth), purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose) }
        for line in String(decoding: response.body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            if let event = try? JSONValue.parse(Data(line.utf8)), let message = event.nonEmptyString("error") {
                throw ProviderError(.rejected, "\(purpose): \(message)")
            }
        }
    }
}
