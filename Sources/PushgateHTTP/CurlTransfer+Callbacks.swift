import CCurl
import Foundation
import PushgateCore

// libcurl calls these on the event-loop thread, inside curl_multi_perform. They are plain nonisolated
// functions (never closures in an isolated context) because C invokes them on a thread Swift did not
// start. `userdata` is the unretained `CurlTransfer`, kept alive by the loop's table of active transfers.

/// CURLOPT_WRITEFUNCTION (https://curl.se/libcurl/c/CURLOPT_WRITEFUNCTION.html): returning less than
/// `size * nmemb` aborts the transfer with CURLE_WRITE_ERROR, which is how the size limit stops a body
/// that arrives without a length.
func curlWriteCallback(
    _ pointer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return length }
    if transfer.body.count + length > transfer.maxBodySize {
        transfer.bodyTooLarge = true
        return 0
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

/// CURLOPT_HEADERFUNCTION (https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html): one call per line,
/// status lines included, for every response (1xx too); trailers come through here after the body.
func curlHeaderCallback(
    _ pointer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let userdata, let pointer, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

extension CurlTransfer {
    /// One raw header line (CRLF included). Parsed on bytes: this runs for every header of every
    /// response, and Foundation's trimming was a visible share of the dispatcher's CPU.
    func receiveHeaderLine(_ raw: UnsafeBufferPointer<UInt8>) {
        let line = raw.trimmingHTTPWhitespace(raw.startIndex..<raw.endIndex)
        if line.isEmpty {
            headerBlockComplete = true
            return
        }
        if raw[line].starts(with: "HTTP/".utf8) {
            // A new response (after a 1xx or a proxy CONNECT): only the last one's headers count.
            headers = HTTPHeaders()
            trailers = HTTPHeaders()
            headerBlockComplete = false
            return
        }
        guard let colon = raw[line].firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: raw[raw.trimmingHTTPWhitespace(line.lowerBound..<colon)], as: UTF8.self)
        let value = String(decoding: raw[raw.trimmingHTTPWhitespace((colon + 1)..<line.upperBound)], as: UTF8.self)
        if headerBlockComplete || !body.isEmpty {
            trailers.add(name, value)
        } else {
            headers.add(name, value)
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// `range` without leading and trailing spaces, tabs, CR and LF.
    fileprivate func trimmingHTTPWhitespace(_ range: Range<Int>) -> Range<Int> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isSpace(self[lower]) { lower += 1 }
        while upper > lower && isSpace(self[upper - 1]) { upper -= 1 }
        return lower..<upper
    }
}
