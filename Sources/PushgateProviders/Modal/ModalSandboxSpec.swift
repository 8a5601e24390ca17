import Foundation

/// What a `modal:push` job configuration asks for, checked and typed: the inputs of the RPC sequence in
/// docs/provider-apis.md §5.3 (app, registry image, secrets by name, env, SandboxCreate).
package struct ModalSandboxSpec: Sendable, Equatable {
    /// Tag keys pushgate puts on every sandbox so it can be found again (SandboxList `tags`).
    package static let idempotencyTag = "pushgate-key"
    package static let runTag = "pushgate-run"
    package static let defaultAppName = "pushgate"

    package var appName: String
    package var environmentName: String
    package var image: String
    /// `Sandbox.entrypoint_args`: the command, already split into words.
    package var command: [String]
    package var milliCPU: Int?
    package var memoryMB: Int?
    package var gpu: ModalGPU?
    package var timeoutSeconds: Int?
    /// Names of Modal Secrets looked up and attached (`Sandbox.secret_ids`).
    package var secretNames: [String]
    /// Sent as an ephemeral secret (`SecretGetOrCreate` EPHEMERAL `env_dict`), as modal-go does.
    package var env: [String: String]
    /// `Dockerfile` `RUN pip install` line added to the image when non-empty.
    package var pipPackages: [String]
    /// `SandboxCreate.tags`: the job's labels plus pushgate's identity tags.
    package var tags: [String: String]
    /// `Sandbox.name`: derived from the idempotency key, unique per app, so a duplicate create fails
    /// ALREADY_EXISTS (docs/provider-apis.md §1.3).
    package var sandboxName: String

    package init(
        appName: String = ModalSandboxSpec.defaultAppName,
        environmentName: String = "",
        image: String,
        command: [String],
        milliCPU: Int? = nil,
        memoryMB: Int? = nil,
        gpu: ModalGPU? = nil,
        timeoutSeconds: Int? = nil,
        secretNames: [String] = [],
        env: [String: String] = [:],
        pipPackages: [String] = [],
        tags: [String: String] = [:],
        sandboxName: String
    ) {
        self.appName = appName
        self.environmentName = environmentName
        self.image = image
        self.command = command
        self.milliCPU = milliCPU
        self.memoryMB = memoryMB
        self.gpu = gpu
        self.timeoutSeconds = timeoutSeconds
        self.secretNames = secretNames
        self.env = env
        self.pipPackages = pipPackages
        self.tags = tags
        self.sandboxName = sandboxName
    }

    /// The image definition's Dockerfile commands: `FROM <image>` and, for `pip_packages`, one `RUN` line.
    package var dockerfileCommands: [String] {
        var commands = ["FROM \(image)"]
        if !pipPackages.isEmpty {
            commands.append("RUN python -m pip install " + pipPackages.map(ModalSandboxSpec.shellQuoted).joined(separator: " "))
        }
        return commands
    }

    /// A Modal object name from an idempotency key: lower-case letters, digits, `-`, `_`, `.`; at most 64
    /// characters (a longer key keeps its first 55 characters plus `-` and 8 hex digits of its FNV-1a hash,
    /// so two long keys still get different names). Assumption: Modal's name rule is that of its other
    /// named objects (`^[a-zA-Z0-9-_.]{1,64}$`); §5.3 does not state it.
    package static func sandboxName(forKey key: String) -> String {
        let cleaned = String(key.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
        guard cleaned.count > 64 else { return cleaned.isEmpty ? "pg" : cleaned }
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash, radix: 16)
        return String(cleaned.prefix(55)) + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `word` quoted for the `RUN` line's shell, left as it is when it needs no quoting.
    package static func shellQuoted(_ word: String) -> String {
        let safe =
            !word.isEmpty
            && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@+,%^~".contains($0)) }
        if safe { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
