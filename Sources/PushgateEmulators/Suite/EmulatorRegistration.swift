import Foundation
import PushgateCore

/// How to start one provider's emulator for ``EmulatorSuite``. Each emulator folder declares one
/// (`EmulatorRegistration.ecs`); the provider registry pairs it with its provider type.
package struct EmulatorRegistration: Sendable {
    /// What every emulator of one suite shares: where to write files, how workloads move, which faults.
    package struct Context: Sendable {
        package var directory: URL
        package var pacing: WorkloadPacing
        package var faults: FaultConfiguration
        /// ``EmulatorSuite/Options/staleNotFoundReads``.
        package var staleNotFoundReads = 0
        /// 0 for a free port.
        package var port: UInt16
    }

    /// Extra job variables a deployment needs to run on this emulator (network, region, resource group).
    package let deploymentVariables: JSONValue
    /// The credentials profile its section is written under: ``EmulatorSuite/profile`` unless two emulators
    /// share a section kind (Cloud Run v2 and V1 both write `[gcp …]`).
    package let profile: String
    package let start: @Sendable (Context) throws -> any RunningEmulator

    package init(
        deploymentVariables: JSONValue,
        profile: String = EmulatorSuite.profile,
        start: @escaping @Sendable (Context) throws -> any RunningEmulator
    ) {
        self.deploymentVariables = deploymentVariables
        self.profile = profile
        self.start = start
    }
}

extension WorkloadPacing {
    /// Pending and running seconds of `.timed`; `.perPoll` emulators that need times use 1 s and 2 s.
    var seconds: (pending: TimeInterval, running: TimeInterval) {
        switch self {
        case .timed(let pending, let running): return (pending, running)
        case .perPoll: return (1, 2)
        }
    }
}
