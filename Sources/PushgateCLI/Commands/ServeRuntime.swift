import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateServer

/// The wired gateway: store, providers, dispatcher, poller and API, built from ``ServeOptions``. Shared
/// by `pushgate serve` and `pushgate demo`.
struct ServeRuntime: Sendable {
    var gateway: Gateway
    var api: APIServer?
    var metrics: MetricsRegistry
    /// Set with `--prefect-api`: runs beside the gateway and stops with it.
    var prefectBridge: PrefectBridge?

    static func make(
        options: ServeOptions,
        store: any Store,
        http: CurlHTTPClient,
        context: CommandContext,
        withAPI: Bool = true
    ) async throws -> ServeRuntime {
        let clock = SystemClock()
        let logger = Logger(level: options.logLevel, format: options.logFormat) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
        let credentials = try options.credentialsPath.map { try CredentialsFile.load(path: $0, kinds: ProviderRegistry.profileKinds) }
        if let path = options.credentialsPath, let mode = CredentialsFileMode.openToOthers(path) {
            // As ssh does for private keys: secrets that others on the machine can read are not secret.
            logger.warning(
                "the credentials file is readable by group or others; chmod 600 it",
                [("path", path), ("mode", String(mode, radix: 8))]
            )
        }
        let providers = CredentialsProviderDirectory(
            credentials: credentials,
            http: http,
            http2: CurlHTTP2Client(base: http),
            clock: clock,
            environment: context.environment,
            local: DataDirectory.local(context, path: options.dataDirectory)
        )
        let pools = PoolContext(store: store)
        let metrics = MetricsRegistry(constantLabels: ["replica": options.replica])
        let pacing =
            options.rate.map { PacingConfiguration.uniform(perSecond: $0, burst: max(1, $0)) }
            ?? PacingConfiguration(catalog: ProviderRegistry.catalog)
        var dispatcherConfiguration = DispatcherConfiguration(owner: options.replica)
        dispatcherConfiguration.interval = options.claimInterval
        dispatcherConfiguration.leaseDuration = options.lease
        if options.prefectAPI != nil {
            let credentials = PrefectHTTPAPI.auth(environment: context.environment).flowRunEnvironment
            for mapping in options.prefectPools { dispatcherConfiguration.poolEnvironment[mapping.mirrorPool] = credentials }
        }
        let dispatcher = Dispatcher(
            store: store,
            providers: providers,
            pacer: Pacer(configuration: pacing, clock: clock),
            configuration: dispatcherConfiguration,
            clock: clock,
            metrics: metrics,
            logger: logger,
            pools: pools
        )
        var pollerConfiguration = PollerConfiguration()
        pollerConfiguration.interval = options.pollInterval
        pollerConfiguration.startTimeout = options.startTimeout
        pollerConfiguration.maxRunTime = options.maxRunTime
        let poller = Poller(
            store: store,
            providers: providers,
            configuration: pollerConfiguration,
            clock: clock,
            metrics: metrics,
            logger: logger,
            pools: pools
        )
        var gateway = Gateway(dispatcher: dispatcher, poller: poller, logger: logger)
        gateway.shutdownGrace = options.shutdownGrace
        gateway.retention = options.retain.map { keep in
            Retention(store: store, clock: clock, logger: logger, configuration: .init(keep: keep))
        }
        var api: APIServer?
        if withAPI {
            let window = max(30, 10 * max(options.pollInterval, options.claimInterval))
            let router = APIRouter(
                store: store,
                providers: providers,
                catalog: ProviderRegistry.catalog,
                clock: clock,
                metrics: metrics,
                templatesDirectory: options.templatesDirectory
            ) {
                let now = clock.now()
                return dispatcher.heartbeat.isAlive(now: now, window: window) && poller.heartbeat.isAlive(now: now, window: window)
            }
            var configuration = APIServer.Configuration()
            configuration.host = options.host
            configuration.port = options.port
            configuration.tokens = options.tokens
            configuration.metricsPublic = options.metricsPublic
            configuration.maxConnectionsPerClient = options.maxConnectionsPerClient
            configuration.redact = { Redaction.redact($0) }
            if options.tokens.isEmpty {
                logger.warning("no API token: every route but /health answers 401 (--token or PUSHGATE_API_TOKENS)")
            }
            api = try APIServer(configuration: configuration, router: router, logger: logger)
            logger.info("API listening", [("address", "\(options.host):\(api!.port)"), ("tokens", String(options.tokens.count))])
        }
        var bridge: PrefectBridge?
        if let url = options.prefectAPI {
            let prefect = PrefectHTTPAPI(baseURL: url, auth: PrefectHTTPAPI.auth(environment: context.environment), http: http)
            var configuration = PrefectBridgeConfiguration(apiURL: url, pools: options.prefectPools, workerName: options.replica)
            configuration.interval = max(options.claimInterval, 1)
            bridge = PrefectBridge(api: prefect, store: store, configuration: configuration, clock: clock, logger: logger)
            logger.info("serving Prefect pools", [("prefect_api", url), ("pools", options.prefectPools.map(\.prefectPool).joined(separator: ","))])
        }
        return ServeRuntime(gateway: gateway, api: api, metrics: metrics, prefectBridge: bridge)
    }
}
