import Foundation

/// A link to the provider's own console for a run's handle, where the handle says enough to build one.
enum UIConsoleLink {
    static func url(handle: String) -> String? {
        // ECS: `CLUSTER::arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK`.
        if let range = handle.range(of: "::arn:aws:ecs:") {
            let parts = handle[range.upperBound...].split(separator: ":", maxSplits: 2)
            let task = parts.count == 3 ? parts[2].split(separator: "/") : []
            guard parts.count == 3, task.count == 3, task[0] == "task" else { return nil }
            return "https://\(UIForm.encode(String(parts[0]))).console.aws.amazon.com/ecs/v2/clusters/\(UIForm.encode(String(task[1])))/tasks/"
                + UIForm.encode(String(task[2]))
        }
        // Cloud Run: `projects/P/locations/L/jobs/J/executions/E`.
        let parts = handle.split(separator: "/").map(String.init)
        if parts.count == 8, parts[0] == "projects", parts[2] == "locations", parts[4] == "jobs", parts[6] == "executions" {
            return "https://console.cloud.google.com/run/jobs/executions/details/\(UIForm.encode(parts[3]))/\(UIForm.encode(parts[7]))"
                + "?project=\(UIForm.encode(parts[1]))"
        }
        return nil
    }
}
