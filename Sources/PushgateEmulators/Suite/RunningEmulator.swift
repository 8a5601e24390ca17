import PushgateCore

/// One started provider emulator as ``EmulatorSuite`` drives it: what it adds to the generated
/// credentials file and what it counts.
package protocol RunningEmulator: AnyObject, Sendable {
    /// The credentials-file section that points profile `profile` at this emulator.
    func credentialsSection(profile: String) -> String
    /// Workloads created so far: what crash and load tests count.
    var workloads: Int { get }
    /// Where it listens and what it accepts, one line for `pushgate emulate`.
    var summary: String { get }
    func stop()
}
