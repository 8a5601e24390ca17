import Foundation
import PushgateCore

extension ModalSandboxSpec {
    /// The `file` part of problems about a job configuration: they name the push type and the JSON path.
    package static let problemSource = "modal:push job_configuration"

    /// Reads the rendered `job_configuration` of `templates/modal-push.json`. Every problem names its field;
    /// the spec is nil when there is any. `command` may be a string (split like `shlex.split`) or an array.
    package static func parse(_ job: SubmissionJob) -> (spec: ModalSandboxSpec?, problems: [TemplateProblem]) {
        var reader = ConfigurationReader(configuration: job.configuration)
        guard job.configuration.objectValue != nil else {
            reader.fail(.root, "the job configuration must be an object, got \(job.configuration.typeName)")
            return (nil, reader.problems)
        }

        let image = reader.requiredString("image")
        let command = reader.command()
        let appName = reader.optionalString("app_name").flatMap { $0.isEmpty ? nil : $0 } ?? defaultAppName
        let environmentName = reader.optionalString("environment_name") ?? ""
        let milliCPU = reader.positiveNumber("cpu").map { max(1, Int(($0 * 1000).rounded())) }
        let memoryMB = reader.positiveInteger("memory", maximum: 4 * 1024 * 1024)
        let timeout = reader.positiveInteger("timeout", maximum: 86_400)
        let gpu = reader.gpu()
        let secretNames = reader.stringArray("secrets")
        let pipPackages = reader.stringArray("pip_packages")
        let env = reader.stringMap("env", droppingNulls: true)
        var tags = reader.stringMap("labels", droppingNulls: true)
        if let name = reader.optionalString("name"), !name.isEmpty { tags["pushgate-name"] = name }
        tags[idempotencyTag] = job.idempotencyKey
        tags[runTag] = job.runID

        guard reader.problems.isEmpty, let image, let command else { return (nil, reader.problems) }
        let spec = ModalSandboxSpec(
            appName: appName,
            environmentName: environmentName,
            image: image,
            command: command,
            milliCPU: milliCPU,
            memoryMB: memoryMB,
            gpu: gpu,
            timeoutSeconds: timeout,
            secretNames: secretNames,
            env: env,
            pipPackages: pipPackages,
            tags: tags,
            sandboxName: sandboxName(forKey: job.idempotencyKey)
        )
        return (spec, [])
    }
}

/// Typed reads of the configuration's top-level keys, collecting one problem per bad field.
private struct ConfigurationReader {
    let configuration: JSONValue
    var problems: [TemplateProblem] = []

    mutating func fail(_ path: JSONPath, _ message: String, code: TemplateProblem.Code = .invalidValue) {
        problems.append(TemplateProblem(code, file: ModalSandboxSpec.problemSource, path: path, message))
    }

    /// The value of `key`, treating null as absent.
    func value(_ key: String) -> JSONValue? {
        guard let value = configuration[key], !value.isNull else { return nil }
        return value
    }

    mutating func requiredString(_ key: String) -> String? {
        guard let value = value(key) else {
            fail(.root / key, "'\(key)' is required (a Modal sandbox needs it)", code: .missingRequired)
            return nil
        }
        guard let text = value.stringValue else {
            fail(.root / key, "'\(key)' must be a string, got \(value.typeName)")
            return nil
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            fail(.root / key, "'\(key)' is empty", code: .missingRequired)
            return nil
        }
        return text
    }

    mutating func optionalString(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else {
            fail(.root / key, "'\(key)' must be a string, got \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func command() -> [String]? {
        guard let value = value("command") else {
            fail(.root / "command", "'command' is required (the sandbox's entrypoint)", code: .missingRequired)
            return nil
        }
        var words: [String]
        if let text = value.stringValue {
            do {
                words = try ShellWords.split(text)
            } catch {
                fail(.root / "command", "'command' cannot be split into words: \(error.message)")
                return nil
            }
        } else if let items = value.arrayValue {
            words = []
            for (index, item) in items.enumerated() {
                guard let word = item.stringValue else {
                    fail((.root / "command").appending(index: index), "command words must be strings, got \(item.typeName)")
                    return nil
                }
                words.append(word)
            }
        } else {
            fail(.root / "command", "'command' must be a string or an array of strings, got \(value.typeName)")
            return nil
        }
        guard !words.isEmpty else {
            fail(.root / "command", "'command' is empty", code: .missingRequired)
            return nil
        }
        return words
    }

    mutating func positiveNumber(_ key: String) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            fail(.root / key, "'\(key)' must be a number greater than 0, got \(value.serialized())")
            return nil
        }
        return number
    }

    mutating func positiveInteger(_ key: String, maximum: Int64) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue, number > 0, number <= maximum else {
            fail(.root / key, "'\(key)' must be an integer in 1...\(maximum), got \(value.serialized())")
            return nil
        }
        return Int(number)
    }

    mutating func gpu() -> ModalGPU? {
        guard let text = optionalString("gpu"), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let gpu = ModalGPU(parsing: text) else {
            fail(.root / "gpu", "'gpu' must be TYPE or TYPE:COUNT (e.g. \"A10G\", \"H100:2\"), got \"\(text)\"")
            return nil
        }
        return gpu
    }

    mutating func stringArray(_ key: String) -> [String] {
        guard let value = value(key) else { return [] }
        guard let items = value.arrayValue else {
            fail(.root / key, "'\(key)' must be an array of strings, got \(value.typeName)")
            return []
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue, !text.isEmpty else {
                fail((.root / key).appending(index: index), "'\(key)' items must be non-empty strings, got \(item.serialized())")
                continue
            }
            result.append(text)
        }
        return result
    }

    /// An object of strings; numbers and booleans are taken in their JSON text, nulls dropped (Prefect drops
    /// null env values when it prepares a run).
    mutating func stringMap(_ key: String, droppingNulls: Bool) -> [String: String] {
        guard let value = value(key) else { return [:] }
        guard let object = value.objectValue else {
            fail(.root / key, "'\(key)' must be an object of strings, got \(value.typeName)")
            return [:]
        }
        var result: [String: String] = [:]
        for (name, item) in object {
            switch item {
            case .null where droppingNulls: continue
            case .string(let text): result[name] = text
            case .int, .double, .bool: result[name] = item.serialized()
            default: fail((.root / key) / name, "'\(key)' values must be strings, got \(item.typeName)")
            }
        }
        return result
    }
}
