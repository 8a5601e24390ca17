import PushgateCore

extension ECSProvider {
    /// `https://{region}.console.aws.amazon.com/ecs/v2/clusters/{cluster}/tasks/{task}`, from the task ARN
    /// (`arn:aws:ecs:{region}:{account}:task/{cluster}/{task}`).
    package func consoleURL(_ handle: ProviderHandle, job: SubmissionJob) -> String? {
        guard let task = ECSTaskHandle(handle) else { return nil }
        let arn = task.taskARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard arn.count == 6, arn[2] == "ecs" else { return nil }
        let path = arn[5].split(separator: "/")
        guard path.count == 3, path[0] == "task" else { return nil }
        let region = ConsoleURL.component(arn[3])
        return "https://\(region).console.aws.amazon.com/ecs/v2/clusters/\(ConsoleURL.component(path[1]))/tasks/"
            + "\(ConsoleURL.component(path[2]))?region=\(region)"
    }
}
