import Foundation
import PushgateCore

/// Where the shipped base job templates (`templates/*.json`, one per pool type) are found: `pool create`
/// uses them without `--template`, and `serve` and `demo` look in the same folders (``ServeOptions``).
enum DefaultTemplates {
    /// The folders searched for default templates: `PUSHGATE_TEMPLATES`, then `templates/` beside the
    /// executable or any folder above it (a checkout's build directory), then `./templates`.
    static func directories(_ context: CommandContext) -> [URL] {
        var result: [URL] = []
        if let configured = context.environment["PUSHGATE_TEMPLATES"], !configured.isEmpty {
            result.append(URL(fileURLWithPath: configured))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            result.append(directory.appendingPathComponent("templates"))
            directory.deleteLastPathComponent()
        }
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("templates"))
        return result
    }

    /// The path of `kind`'s default template in the first of ``directories(_:)`` that has it; rejected
    /// input when none does.
    static func path(for kind: ProviderKind, _ context: CommandContext) throws -> String {
        let name = kind.defaultTemplateFileName
        guard
            let found = directories(context).map({ $0.appendingPathComponent(name).path })
                .first(where: { FileManager.default.fileExists(atPath: $0) })
        else {
            throw InputError("no default template '\(name)' found (set PUSHGATE_TEMPLATES or pass --template FILE)")
        }
        return found
    }
}
