extension VariableSchema {
    /// True exactly when ``validate(_:against:at:file:problems:depth:)`` would report no problem: the same
    /// rules in the same order, without building paths, messages or problem lists. A submission whose
    /// variables are valid (nearly all of them) pays only for this; any `false` reruns the full validation
    /// to report the problems (docs/prefect-semantics.md §2.5).
    func conforms(_ value: JSONValue, to node: SchemaNode, depth: Int) -> Bool {
        guard depth < VariableSchema.maxReferenceDepth else { return true }
        if let constant = node.constant { return constant }
        if let accepted = node.acceptedTypes, depth + 1 < VariableSchema.maxReferenceDepth {
            return accepted & SchemaNode.typeBit(value) != 0
        }
        if let reference = node.reference, let target = compiledDefinitions[reference] {
            if target.isBlockDefinition, isBlockReference(value) { return true }
            if !conforms(value, to: target, depth: depth + 1) { return false }
        }
        if !node.types.isEmpty && !node.types.contains(where: { VariableSchema.matches(value, type: $0) }) { return false }
        if let options = node.enumValues, !options.contains(where: { VariableSchema.equal($0, value) }) { return false }
        if let constant = node.constValue, !VariableSchema.equal(constant, value) { return false }
        for sub in node.allOf where !conforms(value, to: sub, depth: depth + 1) { return false }
        if !node.anyOf.isEmpty && !conformsToAlternatives(value, node.anyOf, exactlyOne: false, depth: depth) { return false }
        if !node.oneOf.isEmpty && !conformsToAlternatives(value, node.oneOf, exactlyOne: true, depth: depth) { return false }
        switch value {
        case .string(let text):
            if node.minLength != nil || node.maxLength != nil {
                let length = text.unicodeScalars.count
                if let min = node.minLength, length < min { return false }
                if let max = node.maxLength, length > max { return false }
            }
            if let regex = node.regex, !regex.matches(text) { return false }
        case .int, .double:
            let number = value.doubleValue!
            if let min = node.minimum, number < min { return false }
            if let max = node.maximum, number > max { return false }
            if let min = node.exclusiveMinimum, number <= min { return false }
            if let max = node.exclusiveMaximum, number >= max { return false }
        case .array(let items):
            if let min = node.minItems, items.count < min { return false }
            if let max = node.maxItems, items.count > max { return false }
            for (i, item) in items.enumerated() {
                if i < node.prefixItems.count {
                    if !conforms(item, to: node.prefixItems[i], depth: depth + 1) { return false }
                } else if let itemSchema = node.items {
                    if !conforms(item, to: itemSchema, depth: depth + 1) { return false }
                }
            }
        case .object(let members):
            for name in node.required where members[name] == nil { return false }
            if node.properties.isEmpty && node.additionalProperties == nil { break }
            for (name, member) in members {
                if let sub = node.properties[name] {
                    if !conforms(member, to: sub, depth: depth + 1) { return false }
                } else if let extra = node.additionalProperties {
                    if !conforms(member, to: extra, depth: depth + 1) { return false }
                }
            }
        case .null, .bool:
            break
        }
        return true
    }

    /// `anyOf` (some alternative conforms) or `oneOf` (exactly one does), with the validator's shortcut:
    /// when every alternative is a single type and none admits the value, it fails before trying them.
    private func conformsToAlternatives(_ value: JSONValue, _ options: [SchemaNode], exactlyOne: Bool, depth: Int) -> Bool {
        if options.allSatisfy({ $0.types.count == 1 }),
            !options.contains(where: { VariableSchema.matches(value, type: $0.types[0]) })
        {
            return false
        }
        var passing = 0
        for option in options where conforms(value, to: option, depth: depth + 1) {
            passing += 1
            if !exactlyOne { return true }
        }
        return exactlyOne ? passing == 1 : false
    }

    /// ``validateVariables(_:requireAll:file:at:)`` for one declared variable, as a predicate: a null for a
    /// variable that is not required, and a block reference for a block variable, are accepted unchecked.
    func conforms(_ value: JSONValue, variable node: SchemaNode, isRequired: Bool, isBlock: Bool) -> Bool {
        if value == .null && !isRequired { return true }
        if isBlock, isBlockReference(value) { return true }
        return conforms(value, to: node, depth: 0)
    }
}
