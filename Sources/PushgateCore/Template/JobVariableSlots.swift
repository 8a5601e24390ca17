import Foundation

/// The job variables a template can see, numbered once per template, with what the merge and the
/// validation need per variable (default, compiled schema, required, block): a submission then merges
/// into an array by number instead of copying and rehashing dictionaries (prefect-semantics.md §2).
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
            var bucket = JobVariableSlots.hash(name) & (size - 1)
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

    /// FNV-1a: names are short, and this needs no per-process seed (the table is built from the template, not input).
    private static func hash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
