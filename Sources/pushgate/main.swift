import Foundation
import PushgateCLI

let status = await PushgateCommand.main(Array(CommandLine.arguments.dropFirst()), context: .standard())
exit(status.rawValue)
