/// What a supervisor records once the command runs: itself and the command's process, which leads its
/// own process group (the group to signal is the command's pid).
package struct ProcessStartRecord: Sendable, Hashable {
    package var supervisor: ProcessIdentity
    package var command: ProcessIdentity

    package init(supervisor: ProcessIdentity, command: ProcessIdentity) {
        self.supervisor = supervisor
        self.command = command
    }

    package var json: JSONValue {
        [
            "supervisor_pid": .int(Int64(supervisor.pid)), "supervisor_start_time": .int(Int64(supervisor.startTime)),
            "pid": .int(Int64(command.pid)), "start_time": .int(Int64(command.startTime)),
        ]
    }

    package init?(json: JSONValue) {
        guard let spid = json["supervisor_pid"]?.intValue, let sstart = json["supervisor_start_time"]?.intValue,
            let pid = json["pid"]?.intValue, let start = json["start_time"]?.intValue
        else { return nil }
        self.init(
            supervisor: ProcessIdentity(pid: Int32(spid), startTime: UInt64(sstart)),
            command: ProcessIdentity(pid: Int32(pid), startTime: UInt64(start))
        )
    }
}
