import Foundation

extension BaseJobTemplate {
    /// Parses, validates and renders job variables given as JSON text (nil or empty: none), as every
    /// submission does (``SubmissionPlan``). The text is read straight into slots when it can be (see
    /// ``mergeJSON(deployment:run:validate:)``); otherwise it is parsed and goes through
    /// ``render(deployment:run:requireAll:)``, which reports the problems. Both give the same result.
    package func render(
        deploymentJSON: String?,
        deploymentName: String,
        runJSON: String?,
        runName: String,
        requireAll: Bool = true
    ) throws(TemplateError) -> JSONValue {
        if let values = mergeJSON(deployment: deploymentJSON, run: runJSON, validate: true) {
            if !requireAll || slots.mustHaveValue.allSatisfy({ values[$0] != nil }) { return render(slots: values) }
        }
        let deployment = try BaseJobTemplate.parseVariables(deploymentJSON, source: deploymentName)
        let run = try BaseJobTemplate.parseVariables(runJSON, source: runName)
        return try render(deployment: .init(deployment, name: deploymentName), run: .init(run, name: runName), requireAll: requireAll)
    }

    /// Parse, merge and render without validating, from JSON text: what Prefect's worker does
    /// (`json.loads`, `resolve_for_flow_run`, `apply_values`), the like-for-like figure of
    /// `pushgate-bench render`. Only malformed JSON is refused.
    package func renderWithoutValidation(deploymentJSON: String?, runJSON: String?) throws(TemplateError) -> JSONValue {
        if let values = mergeJSON(deployment: deploymentJSON, run: runJSON, validate: false) { return render(slots: values) }
        return renderWithoutValidation(
            deployment: try BaseJobTemplate.parseVariables(deploymentJSON, source: "deployment job_variables"),
            run: try BaseJobTemplate.parseVariables(runJSON, source: "run job_variables")
        )
    }

    /// Job variables text as a value (nil for nil or empty text); malformed text is a problem of `source`.
    package static func parseVariables(_ text: String?, source: String) throws(TemplateError) -> JSONValue? {
        guard let text, !text.isEmpty else { return nil }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw TemplateError([TemplateProblem(.malformedJSON, file: source, line: error.line, column: error.column, error.message)])
        }
    }

    /// Both layers read from JSON text into slots, each top-level member straight into its slot without
    /// building the top-level dictionary or hashing its name; nil whenever the text needs the general
    /// path: malformed, not an object, a dotted, escaped, non-ASCII or repeated top-level key, or (with
    /// `validate`) a forbidden placeholder or a variable that does not conform.
    private func mergeJSON(deployment: String?, run: String?, validate: Bool) -> [JSONValue?]? {
        var values = slots.defaults
        guard BaseJobTemplate.withUTF8(deployment, { applyJSON($0, to: &values, validate: validate) }),
            BaseJobTemplate.withUTF8(run, { applyJSON($0, to: &values, validate: validate) })
        else { return nil }
        return values
    }

    private static func withUTF8(_ text: String?, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard var text, !text.isEmpty else { return true }
        return text.withUTF8(body)
    }

    /// One layer from JSON text, as ``apply(_:to:validate:)`` applies a parsed one.
    private func applyJSON(_ bytes: UnsafeBufferPointer<UInt8>, to values: inout [JSONValue?], validate: Bool) -> Bool {
        var seen = SlotSet(count: slots.names.count)
        var reader = JSONParser.ObjectMemberReader(bytes)
        while let (key, value) = reader.next() {
            // Dotted keys expand into nested objects (JobVariableMerge.expandDottedKeys): general path.
            if key.contains(UInt8(ascii: ".")) { return false }
            // Checked for every member, declared or not, as the general path checks the whole layer.
            if validate, reader.lastValueMayHoldPlaceholder, !BaseJobTemplate.forbiddenPlaceholders(in: value, file: "").isEmpty {
                return false
            }
            guard let slot = slots.slot(utf8: key) else { continue }  // not a variable the render can see
            // A repeated key: the last one wins in a parsed object, so an env merge must not see both.
            guard seen.insert(slot) else { return false }
            if !apply(value, to: &values, slot: slot, validate: validate) { return false }
        }
        return reader.succeeded
    }
}

/// Which slots a layer has set: a bit set without allocation for up to 128 slots.
private struct SlotSet {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var more: [Bool]

    init(count: Int) { more = count > 128 ? [Bool](repeating: false, count: count) : [] }

    /// False when `slot` was already in the set.
    mutating func insert(_ slot: Int) -> Bool {
        if slot >= 128 {
            defer { more[slot] = true }
            return !more[slot]
        }
        let bit: UInt64 = 1 << UInt64(slot & 63)
        if slot < 64 {
            defer { low |= bit }
            return low & bit == 0
        }
        defer { high |= bit }
        return high & bit == 0
    }
}
