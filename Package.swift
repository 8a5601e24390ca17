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
        // Process IO of `process` pools: posix_spawn, /proc and the `exec-run` supervisor (Glibc only).
        .target(name: "PushgateProcess", dependencies: ["PushgateCore"]),
        .target(name: "PushgateStore", dependencies: ["PushgateCore", "CSQLite3", "CLibPQ"]),
        // The libmicrohttpd wrapper: the production API and the emulators both run on it.
        .target(name: "PushgateHTTPServer", dependencies: ["PushgateCore", "CMicroHTTPD"]),
        // Loopback emulators of the providers: used by the tests, by `pushgate emulate` and by `pushgate demo`.
        .target(name: "PushgateEmulators", dependencies: ["PushgateCore", "PushgateSigning", "PushgateHTTPServer"]),
        // Dispatcher, poller and API: they reach providers and the store only through Core's protocols.
        .target(name: "PushgateServer", dependencies: ["PushgateCore", "PushgateHTTPServer"]),
        // The list of provider types: each type's registration and emulator, one line each.
        .target(name: "PushgateRegistry", dependencies: ["PushgateCore", "PushgateProviders", "PushgateEmulators"]),
        // The composition root: the provider registry and the wiring of credentials, providers and transports.
        .target(
            name: "PushgateCLI",
            dependencies: [
                "PushgateCore", "PushgateSigning", "PushgateHTTP", "PushgateProviders", "PushgateStore",
                "PushgateEmulators", "PushgateRegistry", "PushgateServer", "PushgateProcess",
            ]
        ),
        .executableTarget(name: "pushgate", dependencies: ["PushgateCLI"]),
        .executableTarget(
            name: "pushgate-bench",
            dependencies: [
                "PushgateCore", "PushgateSigning", "PushgateHTTP", "PushgateStore", "PushgateEmulators", "PushgateProviders",
                "PushgateServer", "PushgateHTTPServer", "PushgateRegistry", "PushgateTestSupport",
            ]
        ),

        .target(name: "PushgateTestSupport", dependencies: ["PushgateCore"]),
        .testTarget(name: "PushgateCoreTests", dependencies: ["PushgateCore", "PushgateTestSupport"]),
        .testTarget(name: "PushgateSigningTests", dependencies: ["PushgateSigning", "PushgateTestSupport"]),
        .testTarget(
            name: "PushgateHTTPTests",
            dependencies: ["PushgateHTTP", "PushgateHTTPServer", "PushgateEmulators", "PushgateTestSupport"]
        ),
        .testTarget(
            name: "PushgateProvidersTests",
            dependencies: ["PushgateProviders", "PushgateHTTP", "PushgateHTTPServer", "PushgateEmulators", "PushgateTestSupport"]
        ),
        .testTarget(name: "PushgateProcessTests", dependencies: ["PushgateProcess", "PushgateCore"]),
        .testTarget(name: "PushgateStoreTests", dependencies: ["PushgateStore", "PushgateTestSupport"]),
        .testTarget(
            name: "PushgateServerTests",
            dependencies: [
                "PushgateServer", "PushgateStore", "PushgateEmulators", "PushgateProviders", "PushgateHTTP", "PushgateHTTPServer",
                "PushgateRegistry", "PushgateTestSupport", "PushgateProcess",
            ]
        ),
        .testTarget(
            name: "PushgateRegistryTests",
            dependencies: ["PushgateRegistry", "PushgateCore", "PushgateProviders", "PushgateEmulators", "PushgateTestSupport"]
        ),
        .testTarget(
            name: "PushgateCLITests",
            dependencies: [
                "PushgateCLI", "PushgateCore", "PushgateEmulators", "PushgateHTTP", "PushgateProviders", "PushgateRegistry", "PushgateStore",
                "PushgateTestSupport",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
