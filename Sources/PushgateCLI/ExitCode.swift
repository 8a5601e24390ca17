/// Exit statuses shared by every command: 0 success, 1 the checked thing failed, 2 usage or I/O error.
package enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
}
