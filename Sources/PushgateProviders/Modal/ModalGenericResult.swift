/// `modal.client.GenericResult{status = 1, exception = 2, exitcode = 3, traceback = 4}`: how a sandbox
/// (or an image build) ended (docs/provider-apis.md §5.3). The status stays an integer because the enum grows
/// (modal 1.6.4 added 9 and 10); unknown values map to Crashed.
package struct ModalGenericResult: Sendable, Equatable {
    /// `GenericResult.GenericStatus` values (`GENERIC_STATUS_` prefix dropped).
    package enum Status {
        package static let unspecified = 0
        package static let success = 1
        package static let failure = 2
        package static let terminated = 3
        package static let timeout = 4
        package static let initFailure = 5
        package static let internalFailure = 6
        package static let idleTimeout = 7
        package static let memoryManagerEviction = 8
        package static let memoryThrashingEviction = 9
        package static let kernelOOMKill = 10

        package static func name(of status: Int) -> String {
            let names = [
                "UNSPECIFIED", "SUCCESS", "FAILURE", "TERMINATED", "TIMEOUT", "INIT_FAILURE", "INTERNAL_FAILURE",
                "IDLE_TIMEOUT", "MEMORY_MANAGER_EVICTION", "MEMORY_THRASHING_EVICTION", "KERNEL_OOM_KILL",
            ]
            return names.indices.contains(status) ? "GENERIC_STATUS_" + names[status] : "GENERIC_STATUS_\(status)"
        }
    }

    package var status: Int
    package var exception: String
    package var exitCode: Int

    package init(status: Int, exception: String = "", exitCode: Int = 0) {
        self.status = status
        self.exception = exception
        self.exitCode = exitCode
    }

    package init(_ message: ProtobufMessage) throws(ProtobufError) {
        status = Int(truncatingIfNeeded: try message.uint(1) ?? 0)
        exception = try message.string(2) ?? ""
        exitCode = Int(truncatingIfNeeded: try message.int(3) ?? 0)
    }

    /// A result with status UNSPECIFIED means "not finished" (the build or sandbox is still going).
    package var isFinished: Bool { status != Status.unspecified }

    package func encode(into writer: inout ProtobufWriter) {
        writer.uint(1, UInt64(max(0, status)))
        writer.string(2, exception)
        writer.int(3, Int64(exitCode))
    }
}
