import Foundation

extension BaseJobTemplate {
    /// One layer of job variables read from JSON text into slots, as ``apply(_:to:validate:)`` applies a
    /// parsed one: each top-level member straight into its slot (``JSONParser/ObjectMembers``),
    /// without building the top-level dictionary or hashing its name. False whenever the text needs the
    /// general path: malformed, not an object, a dotted, escaped, non-ASCII or repeated top-level key, or
    /// (with `validate`) a forbidden placeholder or a variable that does not conform.
    func applyJSON(_ text: String, to values: inout [JSONValue?], validate: Bool) -> Bool {
        var text = text
        return text.withUTF8 { applyJSON($0, to: &values, validate: validate) }
    }

    private func applyJSON(_ bytes: UnsafeBufferPointer<UInt8>, to values: inout [JSONValue?], validate: Bool) -> Bool {
        // Checked for every member, declared or not, as the general path checks the whole layer; text that
        // cannot spell `{{` (nearly all) spares walking its values for placeholders.
        let checkPlaceholders = validate && BaseJobTemplate.mayHoldDoubleBrace(json: bytes)
        var seen = SlotSet(count: slots.names.count)
        var members = JSONParser.ObjectMembers(bytes)
        while let (key, value) = members.next() {
            // Dotted keys expand into nested objects (JobVariableMerge.expandDottedKeys): general path.
            if key.contains(UInt8(ascii: ".")) { return false }
            if checkPlaceholders, !BaseJobTemplate.forbiddenPlaceholders(in: value, file: "").isEmpty { return false }
            guard let slot = slots.slot(utf8: key) else { continue }  // not a variable the render can see
            // A repeated key: the last one wins in a parsed object, so an env merge must not see both.
            guard seen.insert(slot) else { return false }
            if !apply(value, to: &values, slot: slot, validate: validate) { return false }
        }
        return members.succeeded
    }

    /// False when no string of the JSON text can hold `{{` once parsed: the text has no `{{` and no `\u`
    /// escape (which could spell a brace); outside strings JSON never has `{{`. Each byte pair is found
    /// by `memchr` on its first byte, which scans many bytes at a time.
    static func mayHoldDoubleBrace(json bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 1, let base = bytes.baseAddress else { return false }
        func holds(_ first: UInt8, then second: UInt8) -> Bool {
            var start = base
            let last = base + bytes.count - 1  // a pair starts before the last byte
            while start < last, let found = memchr(start, Int32(first), last - start) {
                let at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                if at[1] == second { return true }
                start = at + 1
            }
            return false
        }
        return holds(UInt8(ascii: "{"), then: UInt8(ascii: "{")) || holds(UInt8(ascii: "\\"), then: UInt8(ascii: "u"))
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
