/// What the supervisor (`pushgate exec-run`) runs, written into the attempt directory before it starts:
/// the command's words, its whole environment, its working directory and how its output is kept.
package struct ProcessLaunchSpec: Sendable, Hashable {
    package var arguments: [String]
    package var environment: [String: String]
    package var workingDirectory: String
    package var logs: LogRotationPolicy
    /// Seconds between the SIGTERM of a cancel and the SIGKILL of whatever of the group is left.
    package var killGrace: Double

    package init(arguments: [String], environment: [String: String], workingDirectory: String, logs: LogRotationPolicy, killGrace: Double) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logs = logs
        self.killGrace = killGrace
    }

    package var json: JSONValue {
        [
            "arguments": .array(arguments.map { .string($0) }),
            "environment": .object(environment.mapValues { .string($0) }),
            "working_dir": .string(workingDirectory),
            "log_segment_bytes": .int(Int64(logs.segmentBytes)),
            "log_kept_segments": .int(Int64(logs.keptSegments)),
            "kill_grace_seconds": .double(killGrace),
        ]
    }

    package init?(json: JSONValue) {
        guard let arguments = json["arguments"]?.arrayValue?.compactMap(\.stringValue), !arguments.isEmpty,
            let environment = json["environment"]?.objectValue, let workingDirectory = json["working_dir"]?.stringValue
        else { return nil }
        self.init(
            arguments: arguments,
            environment: environment.compactMapValues(\.stringValue),
            workingDirectory: workingDirectory,
            logs: LogRotationPolicy(
                segmentBytes: Int(json["log_segment_bytes"]?.intValue ?? Int64(LogRotationPolicy.standard.segmentBytes)),
                keptSegments: Int(json["log_kept_segments"]?.intValue ?? Int64(LogRotationPolicy.standard.keptSegments))
            ),
            killGrace: json["kill_grace_seconds"]?.doubleValue ?? 10
        )
    }
}
