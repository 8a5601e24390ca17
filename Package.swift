// swift-tools-version:6.0
import PackageDescription

// Dependency arrows point inward: PushgateCore imports no C module and does no IO.
// Only the targets named after a C library's purpose import that library.
let package = Package(
    name: "pushgate",
    products: [
        .executable(name: "pushgate", targets: ["pushgate"]),
        .executable(name: "pushgate-bench", targets: ["pushgate-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        .target(name: "PushgateCore"),
        .target(name: "PushgateSigning", dependencies: ["CCrypto"]),
        .target(name: "PushgateHTTP", dependencies: ["PushgateCore", "CCurl"]),
        .target(name: "PushgateProviders", dependencies: ["PushgateCore", "PushgateSigning"]),
        .target(name: "PushgateStore", dependencies: ["PushgateCore", "CSQLite3", "CLibPQ"]),
        // Loopback emulators of the providers (and the libmicrohttpd wrapper they run on):
        // used by the tests, by `pushgate emulate` and by `pushgate demo`.
        .target(name: "PushgateEmulators", dependencies: ["PushgateCore", "PushgateSigning", "CMicroHTTPD"]),
        .target(
            name: "PushgateServer",
            dependencies: ["PushgateCore", "PushgateProviders", "PushgateStore", "PushgateEmulators", "CMicroHTTPD"]
        ),
        .target(
            name: "PushgateCLI",
            dependencies: [
                "PushgateCore", "PushgateSigning", "PushgateHTTP", "PushgateProviders", "PushgateStore",
                "PushgateEmulators", "PushgateServer",
            ]
        ),
        .executableTarget(name: "pushgate", dependencies: ["PushgateCLI"]),
        .executableTarget(
            name: "pushgate-bench",
            dependencies: [
                "PushgateCore", "PushgateSigning", "PushgateHTTP", "PushgateStore", "PushgateEmulators", "PushgateProviders",
                "PushgateServer", "PushgateTestSupport",
            ]
        ),

        .target(name: "PushgateTestSupport", dependencies: ["PushgateCore"]),
        .testTarget(name: "PushgateCoreTests", dependencies: ["PushgateCore", "PushgateTestSupport"]),
        .testTarget(name: "PushgateSigningTests", dependencies: ["PushgateSigning", "PushgateTestSupport"]),
        .testTarget(
            name: "PushgateHTTPTests",
            dependencies: ["PushgateHTTP", "PushgateEmulators", "PushgateTestSupport"]
        ),
        .testTarget(
            name: "PushgateProvidersTests",
            dependencies: ["PushgateProviders", "PushgateHTTP", "PushgateEmulators", "PushgateTestSupport"]
        ),
        .testTarget(name: "PushgateStoreTests", dependencies: ["PushgateStore", "PushgateTestSupport"]),
        .testTarget(
            name: "PushgateServerTests",
            dependencies: [
                "PushgateServer", "PushgateStore", "PushgateEmulators", "PushgateProviders", "PushgateHTTP", "PushgateTestSupport",
            ]
        ),
        .testTarget(name: "PushgateCLITests", dependencies: ["PushgateCLI", "PushgateTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
