import PushgateCore

/// Turns a command's failure into one line on stderr and its exit status, so every command words and
/// grades the same error the same way: 1 when the checked thing failed (rejected input, unknown name,
/// refused transition), 2 for usage and I/O problems (bad flags, unreadable files, locked or corrupt database).
enum CommandErrorReport {
    /// Writes `pushgate COMMAND: MESSAGE` to stderr and returns the status for `error`.
    static func report(_ command: String, _ error: any Error, _ context: CommandContext) -> ExitCode {
        let (message, status) = describe(error)
        context.error("pushgate \(command): \(message)")
        return status
    }

    private static func describe(_ error: any Error) -> (message: String, status: ExitCode) {
        switch error {
        case let error as StoreError:
            switch error.code {
            case .busy, .corrupt, .io, .schemaTooNew, .backend: return (error.message, .usage)
            case .notFound, .alreadyExists, .invalidInput, .conflict, .invalidTransition, .leaseNotHeld: return (error.message, .failure)
            }
        case let error as UsageError:
            return (error.description, .usage)
        case let error as InputError:
            return (error.message, .failure)
        case JSONArgument.Failure.io(let message):
            return (message, .usage)
        case JSONArgument.Failure.invalid(let problem):
            return (problem.description, .failure)
        default:
            return ("\(error)", .usage)
        }
    }
}
