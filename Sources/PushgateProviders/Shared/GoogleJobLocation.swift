import PushgateCore

/// The region and project every Google job type reads before its body: `region` from the job variables,
/// `project` from the job configuration or else the `[gcp]` profile (docs/provider-apis.md §3.1).
enum GoogleJobLocation {
    /// Reports each one missing through `problem`, naming the pool type `type`.
    static func read(
        _ configuration: JSONValue,
        defaultProject: String?,
        type: String,
        problem: (JSONPath, String) -> Void
    ) -> (region: String?, project: String?) {
        let region = configuration.nonEmptyString("region")
        if region == nil { problem(JSONPath.root / "region", "\(type) needs a region (job variable 'region')") }
        let project = configuration.nonEmptyString("project") ?? defaultProject
        if project == nil {
            problem(JSONPath.root / "project", "\(type) needs a GCP project: set 'project' in the gcp credentials profile or the job configuration")
        }
        return (region, project)
    }
}
