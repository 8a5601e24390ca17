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
    /// Seconds without a byte either way before a connection is closed (MHD_OPTION_CONNECTION_TIMEOUT;
    /// 0 = never). Every byte received restarts it, so it ends silent peers, not slow ones: libmicrohttpd
    /// 0.9.75 has no deadline for a whole request's headers and body, and a client sending a header byte a
    /// second holds its connection for hours, until the 32 KiB connection buffer is full (431).
    /// ``maxConnectionsPerClient`` bounds the harm.
    package var idleConnectionTimeout: UInt32
    /// Most simultaneous connections (MHD_OPTION_CONNECTION_LIMIT); each has its own thread. When they are
    /// all taken, libmicrohttpd closes each new connection as it accepts it, whoever it is from.
    package var maxConnections: UInt32
    /// Most simultaneous connections from one client IP address (MHD_OPTION_PER_IP_CONNECTION_LIMIT;
    /// 0 = no limit, libmicrohttpd's default): one more is accepted and closed at once, so a single
    /// address that opens connections and trickles their headers (slowloris) cannot take all
    /// ``maxConnections`` from everyone else. Behind a reverse proxy every client has the proxy's address,
    /// so the limit must allow for all of them. Emulators keep 0: tests drive them hard from 127.0.0.1.
    /// https://www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html#microhttpd_002dconst
    package var maxConnectionsPerClient: UInt32
    /// `listen(2)` backlog.
    package var listenBacklog: Int32

    package init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        maxRequestBodySize: Int = 4 * 1024 * 1024,
        idleConnectionTimeout: UInt32 = 30,
        maxConnections: UInt32 = 512,
        maxConnectionsPerClient: UInt32 = 0,
        listenBacklog: Int32 = 128
    ) {
        self.host = host
        self.port = port
        self.maxRequestBodySize = maxRequestBodySize
        self.idleConnectionTimeout = idleConnectionTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.listenBacklog = listenBacklog
    }
}
