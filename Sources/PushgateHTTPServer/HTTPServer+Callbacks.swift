import CMicroHTTPD
import Foundation
import PushgateCore

// libmicrohttpd calls these on its own threads. They are plain nonisolated functions (a closure in an
// isolated context would trap when C calls it on a foreign thread). `cls` is the unretained
// `HTTPServerCore`; `*con_cls` holds a retained `HTTPServerRequestContext` from the URI-log callback
// until the request-completed callback releases it.

/// `void *(*)(void *cls, const char *uri, struct MHD_Connection *con)` (MHD_OPTION_URI_LOG_CALLBACK).
typealias HTTPServerURILogCallback =
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer?

/// Called first for every request with the raw target (path and query, undecoded); its result becomes
/// the request's `*con_cls`.
func httpServerURILog(
    _ cls: UnsafeMutableRawPointer?,
    _ uri: UnsafePointer<CChar>?,
    _ connection: OpaquePointer?
) -> UnsafeMutableRawPointer? {
    let target = uri.map { String(cString: $0) } ?? "/"
    return Unmanaged.passRetained(HTTPServerRequestContext(target: target)).toOpaque()
}

/// Releases the request context whatever way the request ended.
func httpServerRequestCompleted(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ reason: MHD_RequestTerminationCode
) {
    guard let conCls, let context = conCls.pointee else { return }
    conCls.pointee = nil
    Unmanaged<HTTPServerRequestContext>.fromOpaque(context).release()
    guard let cls else { return }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    core.statistics.withLock { $0.requestsInProgress = max(0, $0.requestsInProgress - 1) }
}

/// Counts connections and numbers them for ``ServerRequest/connectionID``.
func httpServerConnectionNotify(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: MHD_ConnectionNotificationCode
) {
    guard let cls, let connection else { return }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
    switch code {
    case .CONNECTION_NOTIFY_STARTED:
        let number = core.statistics.withLock { stats -> Int in
            stats.connectionsAccepted += 1
            stats.connectionsOpen += 1
            return stats.connectionsAccepted
        }
        core.connectionIDs.withLock { $0[key] = number }
    case .CONNECTION_NOTIFY_CLOSED:
        core.statistics.withLock { $0.connectionsOpen -= 1 }
        _ = core.connectionIDs.withLock { $0.removeValue(forKey: key) }
    @unknown default:
        break
    }
}

/// The access handler (MHD_AccessHandlerCallback): called once with the headers, once per body chunk,
/// and a last time with no data, when the handler runs and the response is queued.
func httpServerAccessHandler(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?,
    _ version: UnsafePointer<CChar>?,
    _ uploadData: UnsafePointer<CChar>?,
    _ uploadDataSize: UnsafeMutablePointer<Int>?,
    _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let conCls, let uploadDataSize else { return .NO }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    let path = url.map { String(cString: $0) } ?? "/"
    if conCls.pointee == nil {
        conCls.pointee = Unmanaged.passRetained(HTTPServerRequestContext(target: path)).toOpaque()
    }
    guard let contextPointer = conCls.pointee else { return .NO }
    let context = Unmanaged<HTTPServerRequestContext>.fromOpaque(contextPointer).takeUnretainedValue()

    if !context.started {
        context.started = true
        core.statistics.withLock { $0.requestsInProgress += 1 }
        if let length = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
            let declared = Int(String(cString: length)), declared > core.maxRequestBodySize
        {
            context.rejected = true
            // A body within the drain allowance is read and thrown away before the 413 goes out: closing a
            // socket with unread data makes the kernel send a reset, which the client may see first.
            if declared > core.maxRequestBodySize + HTTPServerCore.drainAllowance {
                return rejectTooLarge(connection, core: core, context: context)
            }
        }
        return .YES
    }
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        uploadDataSize.pointee = 0
        context.received += size
        if context.answered { return .YES }
        if context.rejected || context.received > core.maxRequestBodySize {
            context.rejected = true
            if context.received > core.maxRequestBodySize + HTTPServerCore.drainAllowance {
                return rejectTooLarge(connection, core: core, context: context)
            }
            return .YES
        }
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                context.body.append($0, count: size)
            }
        }
        return .YES
    }
    if context.rejected { return context.answered ? .YES : rejectTooLarge(connection, core: core, context: context) }

    let request = makeRequest(
        connection,
        core: core,
        context: context,
        path: path,
        method: method.map { String(cString: $0) } ?? "GET"
    )
    core.statistics.withLock { $0.requestsHandled += 1 }
    let response = core.handler(request)
    if response.delay > 0 { core.pause(response.delay) }
    if response.action == .dropConnection || core.stopping.load(ordering: .sequentiallyConsistent) {
        core.statistics.withLock { $0.connectionsDropped += 1 }
        return .NO
    }
    return queue(response, on: connection)
}

/// Answers 413 and closes the connection; counted once per request.
private func rejectTooLarge(
    _ connection: OpaquePointer,
    core: HTTPServerCore,
    context: HTTPServerRequestContext
) -> MHD_Result {
    context.answered = true
    core.statistics.withLock { $0.requestsRejectedForSize += 1 }
    let body = #"{"error":"request body larger than \#(core.maxRequestBodySize) bytes"}"#
    let response = ServerResponse.json(Int(MHD_HTTP_CONTENT_TOO_LARGE), body, headers: ["Connection": "close"])
    return queue(response, on: connection)
}

private func queue(_ response: ServerResponse, on connection: OpaquePointer) -> MHD_Result {
    let created: OpaquePointer?
    if response.chunked {
        // Unknown size makes libmicrohttpd send chunked transfer coding (HTTP/1.1), which can carry
        // trailers (MHD_add_response_footer). The reader owns a copy of the body until MHD frees it.
        let reader = Unmanaged.passRetained(HTTPServerBodyReader(response.body)).toOpaque()
        created = MHD_create_response_from_callback(UInt64.max, 16 * 1024, httpServerReadBody, reader, httpServerFreeBody)
        if created == nil { Unmanaged<HTTPServerBodyReader>.fromOpaque(reader).release() }
    } else {
        created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count,
                UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                .RESPMEM_MUST_COPY
            )
        }
    }
    guard let handle = created else { return .NO }
    defer { MHD_destroy_response(handle) }
    for field in response.headers where field.name.lowercased() != "content-length" {
        _ = MHD_add_response_header(handle, field.name, field.value)
    }
    for field in response.trailers {
        _ = MHD_add_response_footer(handle, field.name, field.value)
    }
    return MHD_queue_response(connection, UInt32(clamping: response.status), handle)
}

/// Collects the pieces of the request libmicrohttpd holds for the connection.
private func makeRequest(
    _ connection: OpaquePointer,
    core: HTTPServerCore,
    context: HTTPServerRequestContext,
    path: String,
    method: String
) -> ServerRequest {
    let collector = HTTPServerValueCollector()
    let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()
    _ = MHD_get_connection_values(connection, .HEADER_KIND, httpServerCollectValue, collectorPointer)
    let headers = collector.take()
    _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, httpServerCollectValue, collectorPointer)
    let arguments = collector.take()
    withExtendedLifetime(collector) {}
    let query = context.target.firstIndex(of: "?").map { String(context.target[context.target.index(after: $0)...]) }
    let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
    return ServerRequest(
        method: method,
        path: path,
        target: context.target,
        query: query ?? "",
        queryItems: arguments.map { ServerRequest.QueryItem(name: $0.name, value: $0.value) },
        headers: HTTPHeaders(headers),
        body: context.body,
        connectionID: core.connectionIDs.withLock { $0[key] } ?? 0
    )
}

/// Gathers key/value pairs from MHD_get_connection_values on the calling thread.
private final class HTTPServerValueCollector {
    var fields: [(name: String, value: String)] = []

    func take() -> [(name: String, value: String)] {
        defer { fields = [] }
        return fields
    }
}

private func httpServerCollectValue(
    _ cls: UnsafeMutableRawPointer?,
    _ kind: MHD_ValueKind,
    _ key: UnsafePointer<CChar>?,
    _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let collector = Unmanaged<HTTPServerValueCollector>.fromOpaque(cls).takeUnretainedValue()
    collector.fields.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

/// A chunked body being sent: the bytes and how far MHD has read.
private final class HTTPServerBodyReader {
    let bytes: [UInt8]
    init(_ body: Data) { bytes = Array(body) }
}

/// MHD_ContentReaderCallback: copies the next piece of the body, or ends the stream.
private func httpServerReadBody(
    _ cls: UnsafeMutableRawPointer?,
    _ position: UInt64,
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ capacity: Int
) -> Int {
    guard let cls, let buffer else { return -1 }
    let reader = Unmanaged<HTTPServerBodyReader>.fromOpaque(cls).takeUnretainedValue()
    let start = Int(position)
    guard start < reader.bytes.count else { return -1 }  // MHD_CONTENT_READER_END_OF_STREAM
    let count = min(capacity, reader.bytes.count - start)
    reader.bytes.withUnsafeBufferPointer { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + start, byteCount: count)
    }
    return count
}

/// MHD_ContentReaderFreeCallback: releases the reader once MHD is done with the response.
private func httpServerFreeBody(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<HTTPServerBodyReader>.fromOpaque(cls).release()
}
