import Foundation

/// The canonical request and string to sign (docs/provider-apis.md §2.8 steps 2–4) written as bytes into one
/// buffer, hashed in place. The String functions of `AWSSigV4Signer+Canonical.swift` state the rules;
/// these are the same rules without intermediate Strings, Dictionary or Set, falling back to them for
/// non-ASCII header names or values (Unicode lower-casing and grapheme splitting differ from bytes there).
extension AWSSigV4Signer {
    /// Where the parts lie in the bytes of ``AWSSignedRequest``: the canonical request, then the string to sign.
    struct StageLayout: Sendable {
        var canonicalRequestEnd: Int
        var signedHeaders: Range<Int>
        /// The credential scope inside the string to sign (reused in the Authorization header).
        var scope: Range<Int>
    }

    /// One header after the canonical rules: lower-cased trimmed name and collapsed value in a scratch buffer.
    private struct PreparedField {
        var nameStart: Int
        var nameCount: Int
        var valueStart: Int
        var valueCount: Int
    }

    /// Builds `canonicalRequest + stringToSign` as bytes; `payloadHash` is the hex payload hash as sent.
    static func stages(
        method: String,
        canonicalURI: String,
        canonicalQuery: String,
        headers: [(name: String, value: String)],
        payloadHash: UnsafeBufferPointer<UInt8>,
        timestamp: String,
        region: String,
        service: String
    ) -> (bytes: [UInt8], layout: StageLayout) {
        var scratchSize = 0
        for field in headers { scratchSize += field.name.utf8.count + field.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(scratchSize, 1)) { scratch in
            withUnsafeTemporaryAllocation(of: PreparedField.self, capacity: max(headers.count, 1)) { fields in
                let preparedCount = prepareASCIIHeaders(headers, scratch: scratch, fields: fields)
                let fallback = preparedCount == nil ? canonicalHeaders(headers) : nil
                let upperMethod: String? = isASCII(method) ? nil : method.uppercased()
                let headerBytes =
                    fallback.map { $0.canonical.utf8.count + 1 + $0.signed.utf8.count }
                    ?? 2 * scratchSize + 3 * headers.count + 1
                let scopeBytes = 8 + region.utf8.count + service.utf8.count + 15
                let capacity =
                    (upperMethod?.utf8.count ?? method.utf8.count) + canonicalURI.utf8.count + canonicalQuery.utf8.count
                    + headerBytes + payloadHash.count + 5
                    + algorithm.utf8.count + timestamp.utf8.count + scopeBytes + 2 * Digest.sha256Length + 3
                var layout = StageLayout(canonicalRequestEnd: 0, signedHeaders: 0..<0, scope: 0..<0)
                let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
                    var out = ByteWriter(buffer)
                    // Canonical request.
                    if let upperMethod {
                        out.append(upperMethod)
                    } else {
                        ByteWriter.withUTF8(method) { for byte in $0 { out.append(byte &- 0x61 < 26 ? byte - 0x20 : byte) } }
                    }
                    out.append(0x0A)
                    out.append(canonicalURI)
                    out.append(0x0A)
                    out.append(canonicalQuery)
                    out.append(0x0A)
                    if let fallback {
                        out.append(fallback.canonical)
                        out.append(0x0A)
                        let start = out.count
                        out.append(fallback.signed)
                        layout.signedHeaders = start..<out.count
                    } else {
                        layout.signedHeaders = writeASCIIHeaders(
                            UnsafeMutableBufferPointer(rebasing: fields[0..<preparedCount!]),
                            scratch: scratch,
                            into: &out
                        )
                    }
                    out.append(0x0A)
                    out.append(payloadHash)
                    layout.canonicalRequestEnd = out.count

                    // String to sign.
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Digest.sha256Length) { digest in
                        Digest.sha256(UnsafeRawBufferPointer(out.written), into: digest.baseAddress!)
                        out.append("AWS4-HMAC-SHA256\n" as StaticString)
                        out.append(timestamp)
                        out.append(0x0A)
                        let scopeStart = out.count
                        ByteWriter.withUTF8(timestamp) { out.append(UnsafeBufferPointer(rebasing: $0.prefix(8))) }
                        out.append(UInt8(ascii: "/"))
                        out.append(region)
                        out.append(UInt8(ascii: "/"))
                        out.append(service)
                        out.append("/aws4_request" as StaticString)
                        layout.scope = scopeStart..<out.count
                        out.append(0x0A)
                        out.appendHex(UnsafeRawBufferPointer(digest))
                    }
                    initializedCount = out.count
                }
                return (bytes, layout)
            }
        }
    }

    /// Lower-cases and trims the names, drops unsigned headers, collapses the values' whitespace and sorts
    /// the fields by name (stable, so repeated headers keep their order). Nil when a name or a signed value
    /// is not ASCII.
    private static func prepareASCIIHeaders(
        _ headers: [(name: String, value: String)],
        scratch: UnsafeMutableBufferPointer<UInt8>,
        fields: UnsafeMutableBufferPointer<PreparedField>
    ) -> Int? {
        var used = 0
        var count = 0
        for field in headers {
            let nameStart = used
            guard let nameCount = ByteWriter.withUTF8(field.name, { copyLowercasedName($0, to: scratch.baseAddress! + used) })
            else { return nil }
            used += nameCount
            if isUnsigned(UnsafeBufferPointer(rebasing: scratch[nameStart..<used])) {
                used = nameStart
                continue
            }
            let valueStart = used
            guard let valueCount = ByteWriter.withUTF8(field.value, { copyCollapsedValue($0, to: scratch.baseAddress! + used) })
            else { return nil }
            used += valueCount
            (fields.baseAddress! + count).initialize(
                to: PreparedField(nameStart: nameStart, nameCount: nameCount, valueStart: valueStart, valueCount: valueCount)
            )
            count += 1
        }
        // Insertion sort: a handful of fields, and stable.
        if count > 1 {
            for index in 1..<count {
                let field = fields[index]
                var slot = index
                while slot > 0, compareNames(field, fields[slot - 1], scratch) < 0 {
                    fields[slot] = fields[slot - 1]
                    slot -= 1
                }
                fields[slot] = field
            }
        }
        return count
    }

    /// Copies `name` lower-cased and trimmed of spaces and tabs to `out` (room for `name.count` bytes);
    /// returns the count, nil when the name is not ASCII.
    private static func copyLowercasedName(_ name: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let base = name.baseAddress else { return 0 }
        var start = 0
        var end = name.count
        while start < end, base[start] == 0x20 || base[start] == 0x09 { start += 1 }
        while end > start, base[end - 1] == 0x20 || base[end - 1] == 0x09 { end -= 1 }
        let source = base + start
        let count = end - start
        var high: UInt8 = 0
        for index in 0..<count {
            let byte = source[index]
            high |= byte
            out[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte
        }
        return high < 0x80 ? count : nil
    }

    /// Copies `value` trimmed, with runs of spaces, tabs and line breaks collapsed to one space, to `out`
    /// (room for `value.count` bytes); returns the count, nil when the value is not ASCII. A value without
    /// any byte at or below space is copied as it is.
    private static func copyCollapsedValue(_ value: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let base = value.baseAddress else { return 0 }
        var high: UInt8 = 0
        var low: UInt8 = 0xFF
        for index in 0..<value.count {
            high |= base[index]
            low = min(low, base[index])
        }
        guard high < 0x80 else { return nil }
        if low > 0x20 {
            out.update(from: base, count: value.count)
            return value.count
        }
        var written = 0
        var pendingSpace = false
        for index in 0..<value.count {
            let byte = base[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                pendingSpace = written > 0
            } else {
                if pendingSpace {
                    out[written] = 0x20
                    written += 1
                    pendingSpace = false
                }
                out[written] = byte
                written += 1
            }
        }
        return written
    }

    /// `name:value[,value…]\n` per name, a blank line, then the names joined by `;`; returns where the
    /// signed-headers list lies.
    private static func writeASCIIHeaders(
        _ fields: UnsafeMutableBufferPointer<PreparedField>,
        scratch: UnsafeMutableBufferPointer<UInt8>,
        into out: inout ByteWriter
    ) -> Range<Int> {
        func name(_ field: PreparedField) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: scratch[field.nameStart..<field.nameStart + field.nameCount])
        }
        func value(_ field: PreparedField) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: scratch[field.valueStart..<field.valueStart + field.valueCount])
        }
        var index = 0
        while index < fields.count {
            let first = fields[index]
            out.append(name(first))
            out.append(UInt8(ascii: ":"))
            out.append(value(first))
            index += 1
            while index < fields.count, compareNames(fields[index], first, scratch) == 0 {
                out.append(UInt8(ascii: ","))
                out.append(value(fields[index]))
                index += 1
            }
            out.append(0x0A)
        }
        out.append(0x0A)
        let signedStart = out.count
        index = 0
        while index < fields.count {
            let first = fields[index]
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(name(first))
            index += 1
            while index < fields.count, compareNames(fields[index], first, scratch) == 0 { index += 1 }
        }
        return signedStart..<out.count
    }

    /// Byte-wise order of two prepared names (what `utf8.lexicographicallyPrecedes` gives).
    private static func compareNames(_ a: PreparedField, _ b: PreparedField, _ scratch: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let left = scratch.baseAddress! + a.nameStart
        let right = scratch.baseAddress! + b.nameStart
        let common = min(a.nameCount, b.nameCount)
        for offset in 0..<common where left[offset] != right[offset] {
            return left[offset] < right[offset] ? -1 : 1
        }
        return a.nameCount == b.nameCount ? 0 : a.nameCount < b.nameCount ? -1 : 1
    }

    /// Bit `n` set when some unsigned name has `n` bytes: most signed names are rejected by length alone.
    private static let unsignedNameLengths: UInt64 = unsignedHeaderNames.reduce(0) { mask, name in
        name.utf8CodeUnitCount < 64 ? mask | 1 << UInt64(name.utf8CodeUnitCount) : mask
    }

    private static func isUnsigned(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = name.baseAddress, name.count < 64, unsignedNameLengths & (1 << UInt64(name.count)) != 0 else {
            return false
        }
        for candidate in unsignedHeaderNames
        where candidate.utf8CodeUnitCount == name.count && candidate.utf8Start.pointee == base.pointee {
            if memcmp(candidate.utf8Start, base, name.count) == 0 { return true }
        }
        return false
    }

    static func isASCII(_ text: String) -> Bool {
        ByteWriter.withUTF8(text) { bytes in !bytes.contains { $0 >= 0x80 } }
    }
}
