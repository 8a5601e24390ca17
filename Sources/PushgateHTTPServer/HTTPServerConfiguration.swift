import Foundation

/// Settings of a ``HTTPServer``; each maps to a libmicrohttpd option
/// (https://www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html#microhttpd_002dconst).
package struct HTTPServerConfiguration: Sendable, Equatable {
    /// The address to bind: loopback by default, so an emulator is never reachable from outside; the API
    /// server binds what `pushgate serve --host` names.
    package var host: String
    /// TCP port; 0 lets the kernel pick a free one (read it back from ``HTTPServer/port``).
    package var port: UInt16
    /// Largest request body accepted; a larger one gets `413` without reaching the handler.
    package var maxRequestBodySize: Int
    /// Idle seconds before a kept-alive connection is closed (MHD_OPTION_CONNECTION_TIMEOUT; 0 = never).
    package var idleConnectionTimeout: UInt32
    /// Most simultaneous connections (MHD_OPTION_CONNECTION_LIMIT); each has its own thread.
    package var maxConnections: UInt32
    /// `listen(2)` backlog.
    package var listenBacklog: Int32

    package init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        maxRequestBodySize: Int = 4 * 1024 * 1024,
        idleConnectionTimeout: UInt32 = 30,
        maxConnections: UInt32 = 512,
        listenBacklog: Int32 = 128
    ) {
        self.host = host
        self.port = port
        self.maxRequestBodySize = maxRequestBodySize
        self.idleConnectionTimeout = idleConnectionTimeout
        self.maxConnections = maxConnections
        self.listenBacklog = listenBacklog
    }
}
