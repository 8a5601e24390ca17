import Foundation
import PushgateCore
import PushgateRegistry
import PushgateServer

/// `pushgate serve`'s settings from flags, the environment and an optional JSON file, in that order of
/// precedence (hummingbird's configuration-reader habit: one Sendable value, read once at start).
struct ServeOptions: Sendable {
    var credentialsPath: String?
    /// Where `process` pools keep attempt records and output (``DataDirectory``).
    var dataDirectory: String
    var host = "127.0.0.1"
    var port: UInt16 = 4200
    var tokens: [String] = []
    var replica: String
    var templatesDirectory: URL?
    var pollInterval: TimeInterval = 2
    var claimInterval: TimeInterval = 0.25
    var lease: TimeInterval = 60
    var startTimeout: TimeInterval = 600
    var maxRunTime: TimeInterval? = 86_400
    var rate: Double?
    var shutdownGrace: TimeInterval = 10
    var logFormat: Logger.Format = .text
    var logLevel: LogRecord.Level = .info
    var metricsPublic = false
    /// `--max-connections-per-client`: simultaneous API connections one client address may hold (0 = no limit).
    var maxConnectionsPerClient: UInt32 = 64
    /// `--retain`: how long finished runs are kept; nil keeps them all.
    var retain: TimeInterval?
    /// `--prefect-api URL`: serve the pools of a Prefect server (``PrefectBridge``); nil when not set.
    var prefectAPI: String?
    /// `--prefect-pool POOL=TYPE[@PROFILE]`, one per served Prefect pool.
    var prefectPools: [PrefectPoolMapping] = []

    init(arguments: ParsedArguments, context: CommandContext) throws {
        guard arguments.positionals.isEmpty else { throw UsageError("unexpected argument '\(arguments.positionals[0])'") }
        let environmentNames: [String: String] = [
            "credentials": "PUSHGATE_CREDENTIALS", "listen": "PUSHGATE_LISTEN", "token": "PUSHGATE_API_TOKENS", "replica": "PUSHGATE_REPLICA",
            "templates": "PUSHGATE_TEMPLATES", "poll-interval": "PUSHGATE_POLL_INTERVAL", "claim-interval": "PUSHGATE_CLAIM_INTERVAL",
            "lease": "PUSHGATE_LEASE", "start-timeout": "PUSHGATE_START_TIMEOUT", "max-run-time": "PUSHGATE_MAX_RUN_TIME",
            "rate": "PUSHGATE_RATE", "shutdown-grace": "PUSHGATE_SHUTDOWN_GRACE", "log-format": "PUSHGATE_LOG_FORMAT",
            "log-level": "PUSHGATE_LOG_LEVEL", "metrics-public": "PUSHGATE_METRICS_PUBLIC",
            "data-dir": "PUSHGATE_DATA_DIR", "prefect-api": "PUSHGATE_PREFECT_API", "prefect-pool": "PUSHGATE_PREFECT_POOLS",
            "retain": "PUSHGATE_RETAIN", "max-connections-per-client": "PUSHGATE_MAX_CONNECTIONS_PER_CLIENT",
        ]
        var file: [String: JSONValue] = [:]
        if let path = arguments.option("config") ?? context.environment["PUSHGATE_CONFIG"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("\(path): cannot read the configuration file") }
            do {
                guard let object = try JSONValue.parse(data).objectValue else { throw UsageError("\(path): the configuration must be a JSON object") }
                if let unknown = object.keys.sorted().first(where: { environmentNames[$0] == nil }) {
                    throw UsageError("\(path): unknown option '\(unknown)'")
                }
                file = object
            } catch let error as JSONParseError {
                throw UsageError("\(path):\(error.line):\(error.column): \(error.message)")
            }
        }
        func value(_ name: String) -> String? {
            if let flag = arguments.option(name) { return flag }
            if let env = environmentNames[name].flatMap({ context.environment[$0] }), !env.isEmpty { return env }
            switch file[name] {
            case .string(let text)?: return text
            case .int(let number)?: return String(number)
            case .double(let number)?: return String(number)
            case .array(let items)?: return items.compactMap(\.stringValue).joined(separator: ",")
            default: return nil
            }
        }
        func seconds(_ name: String) throws -> TimeInterval? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), number >= 0 else { throw UsageError("option '--\(name)' expects seconds, got '\(text)'") }
            return number
        }
        credentialsPath = value("credentials")
        dataDirectory = DataDirectory.path(context, option: value("data-dir"))
        if let listen = value("listen") {
            guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
                throw UsageError("option '--listen' expects HOST:PORT, got '\(listen)'")
            }
            host = String(listen[..<colon])
            self.port = port
        }
        let flagTokens = arguments.options("token")
        tokens =
            flagTokens.isEmpty ? (value("token")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? []) : flagTokens
        // Without a token only loopback may listen: a reachable API nobody can authenticate to is a mistake,
        // and the address may be opened to others later.
        if tokens.isEmpty && !ServeOptions.isLoopback(host) {
            throw UsageError("refusing to listen on \(host) without an API token (--token or PUSHGATE_API_TOKENS)")
        }
        let publicEnvironment = context.environment["PUSHGATE_METRICS_PUBLIC"].map { ["1", "true", "yes"].contains($0.lowercased()) }
        metricsPublic = arguments.flag("metrics-public") || publicEnvironment == true || file["metrics-public"]?.boolValue == true
        replica = value("replica") ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        templatesDirectory = value("templates").map { URL(fileURLWithPath: $0) } ?? ServeOptions.defaultTemplatesDirectory(context)
        pollInterval = try seconds("poll-interval") ?? pollInterval
        claimInterval = try seconds("claim-interval") ?? claimInterval
        lease = try seconds("lease") ?? lease
        startTimeout = try seconds("start-timeout") ?? startTimeout
        if let limit = try seconds("max-run-time") { maxRunTime = limit == 0 ? nil : limit }
        if let text = value("rate") {
            guard let rate = Double(text), rate > 0 else { throw UsageError("option '--rate' expects a positive number, got '\(text)'") }
            self.rate = rate
        }
        shutdownGrace = try seconds("shutdown-grace") ?? shutdownGrace
        if let text = value("max-connections-per-client") {
            guard let limit = UInt32(text) else {
                throw UsageError("option '--max-connections-per-client' expects a whole number (0: no limit), got '\(text)'")
            }
            maxConnectionsPerClient = limit
        }
        if let text = value("retain") {
            do {
                retain = try DurationArgument.parse(text)
            } catch {
                throw UsageError("option '--retain' expects a duration such as 30d or 12h, got '\(text)'")
            }
        }
        prefectAPI = value("prefect-api")
        let poolTexts = arguments.options("prefect-pool")
        let mappings = poolTexts.isEmpty ? (value("prefect-pool")?.split(separator: ",").map(String.init) ?? []) : poolTexts
        let knownTypes = ProviderRegistry.catalog.kinds.map(\.rawValue)
        do {
            prefectPools = try mappings.map { try PrefectPoolMapping.parse($0, place: "option '--prefect-pool'", knownTypes: knownTypes) }
        } catch {
            throw UsageError("\(error)")
        }
        if let url = prefectAPI {
            guard url.hasPrefix("https://") || (url.hasPrefix("http://") && ServeOptions.isLoopback(ServeOptions.host(of: url))) else {
                throw UsageError("option '--prefect-api' expects an https:// URL (http:// only for loopback), got '\(url)'")
            }
            guard !prefectPools.isEmpty else { throw UsageError("option '--prefect-api' needs at least one '--prefect-pool POOL=TYPE[@PROFILE]'") }
        } else if !prefectPools.isEmpty {
            throw UsageError("option '--prefect-pool' needs '--prefect-api URL'")
        }
        if let text = value("log-format") {
            guard let format = Logger.Format(rawValue: text) else { throw UsageError("option '--log-format' expects text or json, got '\(text)'") }
            logFormat = format
        }
        if let text = value("log-level") {
            guard let level = LogRecord.Level(rawValue: text) else {
                throw UsageError("option '--log-level' expects debug, info, warning or error, got '\(text)'")
            }
            logLevel = level
        }
    }

    /// 127.0.0.0/8, `::1` and `localhost`: addresses only this machine reaches.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The host of `http://HOST[:PORT]/…`.
    static func host(of url: String) -> String {
        let rest = url.drop { $0 != "/" }.drop { $0 == "/" }
        let authority = rest.prefix { $0 != "/" }
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + "]" }
        return String(authority.prefix { $0 != ":" })
    }

    /// The first of the template folders `pool create` searches that holds the shipped templates.
    static func defaultTemplatesDirectory(_ context: CommandContext) -> URL? {
        DefaultTemplates.directories(context).first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(ProviderRegistry.catalog.kinds[0].defaultTemplateFileName).path)
        }
    }
}
