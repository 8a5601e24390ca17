/// Appends bytes to a buffer whose size was computed up front: the signer builds the canonical request and
/// string to sign (docs/provider-apis.md §2.8) in one allocation instead of through intermediate Strings.
/// Every append is bounds-checked, so a wrong size estimate traps instead of writing past the buffer.
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        precondition(count < capacity, "ByteWriter overflow")
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= capacity - count, "ByteWriter overflow")
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ text: String) {
        ByteWriter.withUTF8(text) { append($0) }
    }

    /// Lower-case hex of `bytes`.
    @inline(__always)
    mutating func appendHex(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count * 2 <= capacity - count, "ByteWriter overflow")
        HexEncoding.encode(bytes, into: base + count)
        count += bytes.count * 2
    }

    /// The UTF-8 bytes of `text` without copying a native String (a bridged one is copied once).
    @inline(__always)
    static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return try Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
