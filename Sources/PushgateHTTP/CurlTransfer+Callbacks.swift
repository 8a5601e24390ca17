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
    _ pointer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
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
    _ pointer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let userdata, let pointer, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    transfer.receiveHeaderLine(line)
    return length
}

extension CurlTransfer {
    func receiveHeaderLine(_ rawLine: String) {
        let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after a 1xx or a proxy CONNECT): only the last one's headers count.
            headers = HTTPHeaders()
            trailers = HTTPHeaders()
            headerBlockComplete = false
            return
        }
        if line.isEmpty {
            headerBlockComplete = true
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        if headerBlockComplete || !body.isEmpty {
            trailers.add(name, value)
        } else {
            headers.add(name, value)
        }
    }
}
