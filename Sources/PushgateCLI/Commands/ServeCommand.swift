import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateServer
import PushgateStore

/// `pushgate serve`: the long-running gateway (dispatcher, poller, HTTP API) on the store of `--db`.
enum ServeCommand: CLICommand {
    static let name = "serve"
    static let summary = "run the gateway: dispatcher, poller and HTTP API"
    static let help = """
        usage: pushgate [--db PATH] serve [options]

        Claims due runs from every unpaused pool by queue priority within the concurrency limits, submits
        them to their providers, tracks them until they end, and serves the HTTP API. SIGTERM or SIGINT
        stops claiming, lets submissions under way finish (up to --shutdown-grace), and exits.

        options (each also read from the environment variable shown, and from --config FILE, a JSON object
        whose keys are the option names; flags win over the environment, which wins over the file):
          --credentials FILE      credentials file with the pools' profiles     PUSHGATE_CREDENTIALS
          --data-dir DIR          process pools' records and output (<db>.data) PUSHGATE_DATA_DIR
          --listen HOST:PORT      HTTP API address (default 127.0.0.1:4200)     PUSHGATE_LISTEN
          --token TOKEN           accepted API bearer token (repeatable)        PUSHGATE_API_TOKENS (comma-separated)
          --replica NAME          this replica's name, the owner of its leases  PUSHGATE_REPLICA
          --templates DIR         default templates directory                   PUSHGATE_TEMPLATES
          --poll-interval SECONDS status poll interval (default 2)              PUSHGATE_POLL_INTERVAL
          --claim-interval SECONDS idle time between claim passes (default 0.25) PUSHGATE_CLAIM_INTERVAL
          --lease SECONDS         claim lease (default 60)                      PUSHGATE_LEASE
          --start-timeout SECONDS Crashed when infrastructure never starts (600) PUSHGATE_START_TIMEOUT
          --max-run-time SECONDS  stop and Crash runs that run longer (86400)    PUSHGATE_MAX_RUN_TIME
          --rate PER_SECOND       one submission rate for every provider, instead of the published quotas
                                                                                PUSHGATE_RATE
          --shutdown-grace SECONDS time allowed for submissions under way (10)  PUSHGATE_SHUTDOWN_GRACE
          --retain DURATION       delete runs that ended longer ago (e.g. 30d), every minute, in small batches
                                  (default: keep every run; see `run prune`)    PUSHGATE_RETAIN
          --log-format text|json  log line format (default text)                PUSHGATE_LOG_FORMAT
          --log-level LEVEL       debug, info, warning or error (default info)  PUSHGATE_LOG_LEVEL
          --config FILE           read options from a JSON file                 PUSHGATE_CONFIG
          --metrics-public        serve /metrics without a token (for Prometheus)  PUSHGATE_METRICS_PUBLIC
          --max-connections-per-client N  API connections one client address may hold at once
                                  (default 64 of 512, so one slow client cannot take them all; 0: no
                                  limit; raise it behind a reverse proxy: every client then has the
                                  proxy's address)                              PUSHGATE_MAX_CONNECTIONS_PER_CLIENT
          --prefect-api URL       serve the work pools of this Prefect server (http://HOST:4200/api)
                                                                                PUSHGATE_PREFECT_API
          --prefect-pool POOL=TYPE[@PROFILE]  a Prefect pool to serve with provider TYPE and credentials
                                  profile PROFILE (repeatable)                  PUSHGATE_PREFECT_POOLS (comma-separated)

        With --prefect-api, auth is PREFECT_API_KEY (bearer) or PREFECT_API_AUTH_STRING (basic), as the
        Prefect client reads them; each served pool is mirrored in the store as pool prefect.POOL.

        Without a token the API listens only on a loopback address; every route but /health then answers 401.

        exit status: 0 after a clean stop, 2 for usage, configuration or I/O errors
        """

    static let valueOptions: Set<String> = [
        "credentials", "data-dir", "listen", "token", "replica", "templates", "poll-interval", "claim-interval", "lease", "start-timeout",
        "max-run-time", "rate", "shutdown-grace", "log-format", "log-level", "config", "prefect-api", "prefect-pool", "retain",
        "max-connections-per-client",
    ]

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let options: ServeOptions
        do {
            options = try ServeOptions(
                arguments: try ParsedArguments(arguments, valueOptions: valueOptions, flagOptions: ["metrics-public"]),
                context: context
            )
        } catch {
            context.error("pushgate serve: \(error)")
            return .usage
        }
        do {
            let store = try await StoreAccess.open(context)
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            let gateway = try await ServeRuntime.make(options: options, store: store, http: http, context: context)
            if let bridge = gateway.prefectBridge {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await bridge.run() }
                    await gateway.gateway.run()
                    group.cancelAll()
                }
            } else {
                await gateway.gateway.run()
            }
            gateway.api?.stop()
            await store.close()
            return .success
        } catch {
            context.error("pushgate serve: \(error)")
            return .usage
        }
    }
}
