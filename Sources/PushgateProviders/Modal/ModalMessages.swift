/// Hand-written encoders of the request messages pushgate sends to `modal.client.ModalClient`, with the
/// field numbers of docs/provider-apis.md §5.3 (pinned to modal-client 69519aef4cf6 and unchanged in modal 1.6.4).
/// Where §5 is silent the assumed field is named in a comment starting "Assumption:"; the fake server
/// (`Tests/Support/fake_modal_server.py`) decodes the same numbers.
package enum ModalMessages {
    /// `ObjectCreationType`: UNSPECIFIED (0) looks an object up without creating it.
    package enum ObjectCreationType {
        package static let lookUp: UInt64 = 0
        package static let createIfMissing: UInt64 = 1
        package static let ephemeral: UInt64 = 5
    }

    /// `RegistryAuthType.PUBLIC` (3): a public registry image, no credentials.
    package static let registryAuthPublic: UInt64 = 3

    /// `AuthTokenGetRequest{}` (empty) → `{token = 1}`.
    package static func authTokenGet() -> [UInt8] { [] }

    /// `AppGetOrCreateRequest{app_name = 1, environment_name = 2, object_creation_type = 3}` → `{app_id = 1}`.
    package static func appGetOrCreate(appName: String, environmentName: String, creationType: UInt64) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, appName)
        w.string(2, environmentName)
        w.uint(3, creationType)
        return w.bytes
    }

    /// `ImageGetOrCreateRequest{image = 2: Image{dockerfile_commands = 6, image_registry_config = 17:
    /// ImageRegistryConfig{registry_auth_type = 1}}, app_id = 4, builder_version = 9}` → `{image_id = 1, result = 2}`.
    package static func imageGetOrCreate(dockerfileCommands: [String], appID: String, builderVersion: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.message(2) { image in
            image.repeatedString(6, dockerfileCommands)
            image.message(17) { registry in registry.uint(1, registryAuthPublic) }
        }
        w.string(4, appID)
        w.string(9, builderVersion)
        return w.bytes
    }

    /// `ImageJoinStreamingRequest{image_id = 1, timeout = 2 (float s), last_entry_id = 3}` (server-streaming).
    package static func imageJoinStreaming(imageID: String, timeout: Float, lastEntryID: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, imageID)
        w.float(2, timeout)
        w.string(3, lastEntryID)
        return w.bytes
    }

    /// A named Secret lookup: `SecretGetOrCreateRequest{deployment_name = 1, environment_name = 3,
    /// object_creation_type = 4 (UNSPECIFIED: look up only)}` → `{secret_id = 1}`.
    /// Assumption: `deployment_name = 1` and `environment_name = 3` (§5.3 gives only fields 4 and 5).
    package static func secretLookUp(name: String, environmentName: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, name)
        w.string(3, environmentName)
        w.uint(4, ObjectCreationType.lookUp)
        return w.bytes
    }

    /// The env secret: `SecretGetOrCreateRequest{object_creation_type = 4: EPHEMERAL (5), env_dict = 5:
    /// map<string,string>, app_id = 6}` → `{secret_id = 1}`. Assumption: `app_id = 6` ties the ephemeral
    /// secret's lifetime to the app (§5.3 does not number it).
    package static func ephemeralSecret(env: [String: String], appID: String, environmentName: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(3, environmentName)
        w.uint(4, ObjectCreationType.ephemeral)
        w.stringMap(5, env)
        w.string(6, appID)
        return w.bytes
    }

    /// `SandboxCreateRequest{app_id = 1, definition = 2: Sandbox{entrypoint_args = 1, image_id = 3,
    /// secret_ids = 4, resources = 5: Resources{memory_mb = 2, milli_cpu = 3, gpu_config = 4: GPUConfig{count = 2,
    /// gpu_type = 4}}, timeout_secs = 7, name = 30}, tags = 4: [SandboxTag{tag_name = 1, tag_value = 2}]}`
    /// → `{sandbox_id = 1}`.
    package static func sandboxCreate(spec: ModalSandboxSpec, appID: String, imageID: String, secretIDs: [String]) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, appID)
        w.message(2) { sandbox in
            sandbox.repeatedString(1, spec.command)
            sandbox.string(3, imageID)
            sandbox.repeatedString(4, secretIDs)
            if spec.memoryMB != nil || spec.milliCPU != nil || spec.gpu != nil {
                sandbox.message(5) { resources in
                    resources.uint(2, UInt64(spec.memoryMB ?? 0))
                    resources.uint(3, UInt64(spec.milliCPU ?? 0))
                    if let gpu = spec.gpu {
                        resources.message(4) { config in
                            config.uint(2, UInt64(gpu.count))
                            config.string(4, gpu.type)
                        }
                    }
                }
            }
            sandbox.uint(7, UInt64(spec.timeoutSeconds ?? 0))
            sandbox.string(30, spec.sandboxName)
        }
        for key in spec.tags.keys.sorted() {
            w.message(4) { tag in
                tag.string(1, key)
                tag.string(2, spec.tags[key] ?? "")
            }
        }
        return w.bytes
    }

    /// `SandboxListRequest{app_id = 1, include_finished = 4, tags = 5: [SandboxTag]}` →
    /// `{sandboxes = 1: [SandboxInfo]}`. Assumption: `tags = 5` is `repeated SandboxTag` like
    /// `SandboxCreateRequest.tags`, and the server returns only sandboxes carrying every tag given.
    package static func sandboxList(appID: String, tags: [String: String], includeFinished: Bool) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, appID)
        w.bool(4, includeFinished)
        for key in tags.keys.sorted() {
            w.message(5) { tag in
                tag.string(1, key)
                tag.string(2, tags[key] ?? "")
            }
        }
        return w.bytes
    }

    /// `SandboxWaitRequest{sandbox_id = 1, timeout = 2 (float s)}` → `{result = 1}`; timeout 0 returns at once.
    package static func sandboxWait(sandboxID: String, timeout: Float) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, sandboxID)
        w.float(2, timeout)
        return w.bytes
    }

    /// `SandboxGetTaskIdRequest{sandbox_id = 1, timeout = 2 (optional float), wait_until_ready = 3}` →
    /// `{task_id = 1, task_result = 2}`. Timeout 0 is written (the field is `optional`) so the call does not wait.
    package static func sandboxGetTaskID(sandboxID: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, sandboxID)
        w.float(2, 0, presence: true)
        return w.bytes
    }

    /// `SandboxTerminateRequest{sandbox_id = 1}` → `{existing_result = 1}`.
    package static func sandboxTerminate(sandboxID: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, sandboxID)
        return w.bytes
    }
}
