/// How job variables combine (docs/prefect-semantics.md §2): non-null pool defaults < deployment
/// `job_variables` < run `job_variables`; each variable is replaced whole, except `env`, which merges
/// key by key across all three levels.
///
/// Deliberate differences from Prefect, documented in README: the merged `env` (defaults included) is
/// the value of `{{ env }}` everywhere it is referenced, not only the top-level `env` field (Prefect's
/// gotcha G1, which its ECS worker repairs after the fact).
package enum JobVariableMerge {
    /// Expands dotted keys (`"env.FOO": "bar"` → `{"env": {"FOO": "bar"}}`), then deep-merges plain keys
    /// over them when both are objects; the plain form wins (Prefect's `set_in_dict` + `deep_merge`).
    package static func expandDottedKeys(_ values: [String: JSONValue]) -> [String: JSONValue] {
        guard values.keys.contains(where: isDotted) else { return values }
        var expanded: [String: JSONValue] = [:]
        for key in values.keys.sorted() where isDotted(key) {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            expanded = setIn(expanded, parts[...], values[key]!)
        }
        for (key, value) in values where !isDotted(key) {
            if let existing = expanded[key], case .object = existing, case .object = value {
                expanded[key] = deepMerge(existing, value)
            } else {
                expanded[key] = value
            }
        }
        return expanded
    }

    private static func isDotted(_ key: String) -> Bool { key.utf8.contains(UInt8(ascii: ".")) }

    private static func setIn(_ object: [String: JSONValue], _ path: ArraySlice<String>, _ value: JSONValue) -> [String: JSONValue] {
        var object = object
        let head = path.first!
        if path.count == 1 {
            object[head] = value
        } else {
            let child = object[head]?.objectValue ?? [:]
            object[head] = .object(setIn(child, path.dropFirst(), value))
        }
        return object
    }

    private static func deepMerge(_ base: JSONValue, _ top: JSONValue) -> JSONValue {
        guard case .object(var merged) = base, case .object(let overlay) = top else { return top }
        for (key, value) in overlay {
            merged[key] = merged[key].map { deepMerge($0, value) } ?? value
        }
        return .object(merged)
    }

    /// The non-null `default`s of the declared variables.
    package static func defaults(of schema: VariableSchema) -> [String: JSONValue] { schema.defaults }

    /// Merges the three levels. An object `env` merges key by key; any other `env` (such as an explicit
    /// null) replaces what is below it, like every other variable.
    package static func merge(
        defaults: [String: JSONValue],
        deployment: [String: JSONValue],
        run: [String: JSONValue]
    ) -> [String: JSONValue] {
        var merged = defaults
        for level in [expandDottedKeys(deployment), expandDottedKeys(run)] {
            for (name, value) in level {
                if name == "env", case .object(let below)? = merged["env"], case .object(let above) = value {
                    merged["env"] = .object(below.merging(above) { _, new in new })
                } else {
                    merged[name] = value
                }
            }
        }
        return merged
    }
}
