/// An image reference split as `POST /images/create` wants it: `fromImage` without the tag, and the tag
/// (`latest` when none is given). A digest (`@sha256:…`) stays in the repository and the tag is empty.
package struct DockerImageReference: Sendable, Equatable {
    package var repository: String
    package var tag: String

    package init(_ reference: String) {
        if reference.contains("@") {
            repository = reference
            tag = ""
            return
        }
        // A colon after the last slash separates the tag; one before it belongs to a registry port.
        let lastSlash = reference.lastIndex(of: "/")
        if let colon = reference.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            repository = String(reference[..<colon])
            tag = String(reference[reference.index(after: colon)...])
        } else {
            repository = reference
            tag = "latest"
        }
    }

    /// Whether the reference floats (`latest` or no tag), which Prefect pulls every time when no policy is set.
    package var isLatest: Bool { tag == "latest" }
}
