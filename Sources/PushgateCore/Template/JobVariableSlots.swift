import Foundation

/// The job variables a template can see, numbered once per template, with what the merge and the
/// validation need per variable (default, compiled schema, required, block): a submission then merges
/// into an array by number instead of copying and rehashing dictionaries (docs/prefect-semantics.md §2).
///
/// Slots are the declared variables, the `required` names, and `env` (always: Prefect merges a supplied
/// `env` into a literal `env` dict even when it is not declared, §2.3). Values for any other name can
/// never reach the render (every placeholder root is declared) and are not validated (unknown variables
/// are ignored, as in Prefect), so the slot merge drops them.
struct JobVariableSlots: Sendable {
    let names: [String]
    let index: [String: Int]
    /// Non-null `default` per slot (the lowest merge layer).
    let defaults: [JSONValue?]
    /// The compiled schema per slot; nil for a name that is not declared (never validated).
    let schemas: [SchemaNode?]
    /// In the schema's `required` list.
    let isRequired: [Bool]
    /// Holds a Prefect block (satisfied by the pool's credentials profile).
    let isBlock: [Bool]
    /// Required, not a block: must have a value when a run is created (``VariableSchema/missingRequired(in:file:at:)``).
    let mustHaveValue: [Int]
    let env: Int
    /// Open-addressing table from a name's UTF-8 bytes to its slot (-1: empty), for names read straight
    /// from JSON text without making a String.
    private let byBytes: [Int32]
    private let utf8Names: [[UInt8]]

    init(_ schema: VariableSchema) {
        let names = Set(schema.properties.keys).union(schema.required).union(["env"]).sorted()
        self.names = names
        index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        defaults = names.map { schema.defaults[$0] }
        schemas = names.map { schema.compiledProperties[$0] }
        isRequired = names.map { schema.required.contains($0) }
        isBlock = names.map { schema.isBlockVariable($0) }
        mustHaveValue = names.indices.filter { schema.required.contains(names[$0]) && !schema.isBlockVariable(names[$0]) }
        env = names.firstIndex(of: "env")!
        utf8Names = names.map { Array($0.utf8) }
        var size = 16
        while size < names.count * 4 { size *= 2 }
        var table = [Int32](repeating: -1, count: size)
        for (slot, name) in utf8Names.enumerated() {
            var bucket = name.withUnsafeBufferPointer(JobVariableSlots.hash) & (size - 1)
            while table[bucket] >= 0 { bucket = (bucket + 1) & (size - 1) }
            table[bucket] = Int32(slot)
        }
        byBytes = table
    }

    /// The slot of the name spelled by `utf8`, if any.
    func slot(utf8: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = byBytes.count - 1
        var bucket = JobVariableSlots.hash(utf8) & mask
        while true {
            let slot = Int(byBytes[bucket])
            if slot < 0 { return nil }
            let matches = utf8Names[slot].withUnsafeBufferPointer { name in
                name.count == utf8.count && (name.count == 0 || memcmp(name.baseAddress!, utf8.baseAddress!, name.count) == 0)
            }
            if matches { return slot }
            bucket = (bucket + 1) & mask
        }
    }

    /// Length and the first, middle and last bytes, mixed: enough to spread a template's variable names,
    /// with a byte comparison deciding. No per-process seed is needed: input cannot change the table,
    /// only probe it, and every probe ends at one of its many empty buckets.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        guard count > 0 else { return 0 }
        var mixed = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1]) << 16
        mixed = (mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 32))
    }
}
