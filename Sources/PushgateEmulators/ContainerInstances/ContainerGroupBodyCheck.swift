import PushgateCore

/// Checks a container-group PUT body the way ARM does for the fields pushgate sends (docs/provider-apis.md
/// §4.2): required fields, types and enums. Returns `(code, message)` of the first problem, or nil.
package enum ContainerGroupBodyCheck {
    /// 1–63 lowercase letters, digits and `-`, no leading or trailing `-`.
    package static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63, name.first != "-", name.last != "-" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    package static func problem(in body: JSONValue) -> (code: String, message: String)? {
        guard body.objectValue != nil else { return ("InvalidRequestContent", "The request content was invalid and could not be deserialized.") }
        guard let location = body["location"]?.stringValue, !location.isEmpty else {
            return ("LocationRequired", "The location property is required for this definition.")
        }
        guard let properties = body["properties"]?.objectValue else {
            return ("InvalidRequestContent", "The request content was invalid: 'properties' is required.")
        }
        guard let osType = properties["osType"]?.stringValue, ["Linux", "Windows"].contains(osType) else {
            return ("InvalidOsType", "The 'osType' of the container group is required and must be 'Linux' or 'Windows'.")
        }
        if let policy = properties["restartPolicy"], !["Always", "OnFailure", "Never"].contains(policy.stringValue ?? "") {
            return ("InvalidRestartPolicy", "The restart policy '\(policy.serialized())' is not valid.")
        }
        guard let containers = properties["containers"]?.arrayValue, !containers.isEmpty else {
            return ("InvalidContainerGroupDefinition", "The container group must have at least one container.")
        }
        for container in containers {
            guard let name = container["name"]?.stringValue, isValidName(name) else {
                return ("InvalidContainerName", "The container name '\(container["name"]?.stringValue ?? "")' is invalid.")
            }
            guard let image = container.member(at: "properties", "image")?.stringValue, !image.isEmpty else {
                return ("InvalidImage", "The image of container '\(name)' is required.")
            }
            let requests = container.member(at: "properties", "resources", "requests")
            guard let cpu = requests?["cpu"]?.doubleValue, cpu > 0, let memory = requests?["memoryInGB"]?.doubleValue, memory > 0
            else {
                return ("InvalidContainerResources", "Container '\(name)': resources.requests.cpu and memoryInGB must be positive numbers.")
            }
            if let command = container.member(at: "properties", "command"),
                command.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true
            {
                return ("InvalidRequestContent", "Container '\(name)': command must be an array of strings.")
            }
            for variable in container.member(at: "properties", "environmentVariables")?.arrayValue ?? [] {
                guard let variableName = variable["name"]?.stringValue, !variableName.isEmpty else {
                    return ("InvalidEnvironmentVariable", "Container '\(name)': an environment variable has no name.")
                }
                let value = variable["value"]
                let secure = variable["secureValue"]
                if (value == nil) == (secure == nil) || (value ?? secure)?.stringValue == nil {
                    return ("InvalidEnvironmentVariable", "Environment variable '\(variableName)' needs exactly one string 'value' or 'secureValue'.")
                }
            }
        }
        if let identity = body["identity"] {
            let kinds = ["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"]
            guard let type = identity["type"]?.stringValue, kinds.contains(type) else {
                return ("InvalidIdentityType", "The identity type is not valid.")
            }
            if type.contains("UserAssigned"), identity["userAssignedIdentities"]?.objectValue?.isEmpty != false {
                return ("InvalidIdentity", "userAssignedIdentities is required for a UserAssigned identity.")
            }
        }
        for subnet in properties["subnetIds"]?.arrayValue ?? [] where subnet["id"]?.stringValue == nil {
            return ("InvalidSubnetId", "Each subnetIds entry needs an 'id'.")
        }
        return nil
    }
}
