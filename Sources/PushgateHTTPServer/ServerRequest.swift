import Foundation
import PushgateCore

/// A request as the ``HTTPServer`` received it, body collected in full.
package struct ServerRequest: Sendable, Equatable {
    /// The method as sent (`GET`, `POST`, …).
    package var method: String
    /// The path, percent-decoded by libmicrohttpd, without the query string.
    package var path: String
    /// The request target exactly as sent (path and query, not decoded).
    package var target: String
    /// The raw query string after `?` (not decoded); empty when there is none.
    package var query: String
    /// The query arguments, decoded, in order. A key without `=` has an empty value.
    package var queryItems: [QueryItem]
    package var headers: HTTPHeaders
    package var body: Data
    /// A number identifying the TCP connection that carried the request (1 for the server's first
    /// connection): requests on a kept-alive connection share it.
    package var connectionID: Int

    package struct QueryItem: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    package init(
        method: String,
        path: String,
        target: String? = nil,
        query: String = "",
        queryItems: [QueryItem] = [],
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        connectionID: Int = 0
    ) {
        self.method = method
        self.path = path
        self.target = target ?? (query.isEmpty ? path : "\(path)?\(query)")
        self.query = query
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
    }

    /// The first decoded value of query argument `name`.
    package func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The body as UTF-8 text.
    package var bodyText: String { String(decoding: body, as: UTF8.self) }
}
