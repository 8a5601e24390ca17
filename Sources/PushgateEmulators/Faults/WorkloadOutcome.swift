/// How an emulated workload ends, decided from what it runs, so tests and demos pick outcomes by image
/// or command: an image containing `fail` exits 1, a command containing `exit N` exits N, an image
/// containing `crash` is lost by the infrastructure, anything else exits 0.
package enum WorkloadOutcome: Sendable, Equatable {
    case exit(Int)
    case crash

    package static func decide(image: String, command: [String]) -> WorkloadOutcome {
        if image.contains("crash") { return .crash }
        if let index = command.firstIndex(of: "exit"), index + 1 < command.count, let code = Int(command[index + 1]) {
            return .exit(code)
        }
        if image.contains("fail") { return .exit(1) }
        return .exit(0)
    }
}
