/// The ECS API operations pushgate calls. Every one is `POST /` with
/// `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>` and a JSON 1.1 body (docs/provider-apis.md §2.1).
package enum ECSOperation: String, Sendable, CaseIterable {
    case registerTaskDefinition = "RegisterTaskDefinition"
    case describeTaskDefinition = "DescribeTaskDefinition"
    case listTaskDefinitions = "ListTaskDefinitions"
    case deregisterTaskDefinition = "DeregisterTaskDefinition"
    case runTask = "RunTask"
    case describeTasks = "DescribeTasks"
    case listTasks = "ListTasks"
    case stopTask = "StopTask"
    case createCluster = "CreateCluster"

    /// The `X-Amz-Target` prefix of ECS API version 2014-11-13.
    package static let targetPrefix = "AmazonEC2ContainerServiceV20141113"
    /// The JSON 1.1 content type every ECS call uses.
    package static let contentType = "application/x-amz-json-1.1"
    /// The SigV4 signing name.
    package static let signingName = "ecs"

    /// `AmazonEC2ContainerServiceV20141113.<Op>`.
    package var target: String { "\(ECSOperation.targetPrefix).\(rawValue)" }

    /// Whether sending the call twice is harmless. RunTask carries a `clientToken`, but pushgate treats a
    /// repeat as safe only after a look-up (docs/provider-apis.md §1.2), so it is the one non-idempotent call;
    /// a repeated RegisterTaskDefinition costs at most one spare revision.
    package var isIdempotent: Bool { self != .runTask }
    /// RunTask carries the run's `clientToken`, which ECS deduplicates on (same token and parameters, same
    /// tasks), so it may share a kept-alive connection: a silent transport re-send cannot start a second task.
    package var carriesIdempotencyToken: Bool { self == .runTask }

    /// The operation named by an `X-Amz-Target` header value, if it is an ECS one pushgate knows.
    package init?(target: String) {
        let prefix = ECSOperation.targetPrefix + "."
        guard target.hasPrefix(prefix), let operation = ECSOperation(rawValue: String(target.dropFirst(prefix.count)))
        else { return nil }
        self = operation
    }
}
