import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateRegistry
import PushgateServer

/// `pushgate prefect check`: what `serve --prefect-api` would serve, checked before it runs: the server
/// answers (and its version), each mapped Prefect pool exists, its base job template validates for the
/// mapped provider type, and its credentials profile is in the credentials file when one is given.
enum PrefectCommand: CLICommand {
    static let name = "prefect"
    static let subcommands = ["check"]
    static let summary = "check the pools serve --prefect-api would serve (check)"
    static let help = """
        usage: pushgate prefect check --prefect-api URL --prefect-pool POOL=TYPE[@PROFILE]... [--credentials FILE] [--json]

          prefect check   asks the Prefect server for its version and each mapped pool, and checks the pool's
                          base job template for the provider TYPE (the job_configuration keys TYPE builds its
                          requests from) and, with --credentials (or PUSHGATE_CREDENTIALS), that PROFILE is
                          there. --prefect-api and --prefect-pool also come from PUSHGATE_PREFECT_API and
                          PUSHGATE_PREFECT_POOLS (comma-separated); auth is PREFECT_API_KEY (bearer) or
                          PREFECT_API_AUTH_STRING (basic), as for serve.

        exit status: 0 every pool can be served, 1 a pool is missing or its template or profile is not
        usable, 2 usage, I/O or the server did not answer
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        await SubcommandDispatch.run(
            "prefect",
            arguments,
            valueOptions: ["prefect-api", "prefect-pool", "credentials"],
            flagOptions: ["json"],
            context: context
        ) { sub in
            switch sub {
            case "check": return .init(check, accepts: ["prefect-api", "prefect-pool", "credentials", "json"])
            default: return nil
            }
        }
    }

    /// One served pool's verdict.
    private struct PoolCheck {
        var mapping: PrefectPoolMapping
        var problems: [String]
    }

    private static func check(_ parsed: ParsedArguments, _ command: String, _ context: CommandContext) async throws -> ExitCode {
        _ = try SubcommandDispatch.operands(parsed, [])
        guard let url = parsed.option("prefect-api") ?? context.environment["PUSHGATE_PREFECT_API"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw UsageError("missing --prefect-api URL (or PUSHGATE_PREFECT_API)")
        }
        let texts =
            parsed.options("prefect-pool").isEmpty
            ? (context.environment["PUSHGATE_PREFECT_POOLS"]?.split(separator: ",").map(String.init) ?? []) : parsed.options("prefect-pool")
        guard !texts.isEmpty else { throw UsageError("missing --prefect-pool POOL=TYPE[@PROFILE] (or PUSHGATE_PREFECT_POOLS)") }
        var mappings: [PrefectPoolMapping] = []
        for text in texts {
            do {
                mappings.append(
                    try PrefectPoolMapping.parse(text, place: "--prefect-pool", knownTypes: ProviderRegistry.catalog.kinds.map(\.rawValue))
                )
            } catch {
                throw UsageError(error.message)
            }
        }
        var credentials: CredentialsFile?
        if let path = parsed.option("credentials") ?? context.environment["PUSHGATE_CREDENTIALS"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                credentials = try CredentialsFile.load(path: path, kinds: ProviderRegistry.profileKinds)
            } catch let error as CredentialsError {
                throw JSONArgument.Failure.io(error.message)
            }
        }
        let http: CurlHTTPClient
        do {
            http = try CurlHTTPClient()
        } catch {
            throw JSONArgument.Failure.io("cannot start the HTTP client: \(error)")
        }
        defer { http.shutdown() }
        let api = PrefectHTTPAPI(baseURL: url, auth: PrefectHTTPAPI.auth(environment: context.environment), http: http)
        let version: String
        do {
            version = try await api.serverVersion()
        } catch let error as HTTPClientError {
            throw JSONArgument.Failure.io("\(url): the Prefect server did not answer: \(error.message)")
        } catch let error as PrefectError {
            throw JSONArgument.Failure.io("\(url): not a Prefect server's answer: \(error.message)")
        }
        var checks: [PoolCheck] = []
        for mapping in mappings {
            checks.append(PoolCheck(mapping: mapping, problems: await problems(of: mapping, api: api, credentials: credentials)))
        }
        if parsed.flag("json") {
            let pools: [JSONValue] = checks.map { check in
                [
                    "pool": .string(check.mapping.prefectPool), "type": .string(check.mapping.providerType),
                    "profile": check.mapping.credentialsProfile.map(JSONValue.string) ?? .null,
                    "ok": .bool(check.problems.isEmpty), "problems": .array(check.problems.map(JSONValue.string)),
                ]
            }
            context.print(JSONValue.object(["server": .string(url), "version": .string(version), "pools": .array(pools)]).serialized(pretty: true))
        } else {
            context.print("Prefect server \(version) at \(url)")
            let rows = checks.map { check in
                [
                    check.mapping.prefectPool, check.mapping.providerType, check.mapping.credentialsProfile ?? "-",
                    check.problems.isEmpty ? "OK" : check.problems.joined(separator: "; "),
                ]
            }
            context.print(TableOutput.table(["POOL", "TYPE", "PROFILE", "CHECK"], rows))
        }
        return checks.allSatisfy(\.problems.isEmpty) ? .success : .failure
    }

    /// Why `mapping` cannot be served, in words a user acts on; empty when it can.
    private static func problems(of mapping: PrefectPoolMapping, api: PrefectHTTPAPI, credentials: CredentialsFile?) async -> [String] {
        let pool: PrefectWorkPool
        do {
            pool = try await api.workPool(named: mapping.prefectPool)
        } catch {
            return ["the Prefect server has no work pool '\(mapping.prefectPool)' (\(error))"]
        }
        var problems: [String] = []
        if pool.isPaused { problems.append("the Prefect pool is paused: its runs wait until it is resumed") }
        guard let type = ProviderRegistry.catalog.type(forPoolType: mapping.providerType) else { return ["unknown type"] }
        do {
            let template = try BaseJobTemplate(data: Data(pool.baseJobTemplate.serialized().utf8), file: "work pool '\(pool.name)'")
            problems += template.problems(for: type).map(\.description)
        } catch {
            problems.append("\(error)")
        }
        if type.usesCredentials, let credentials,
            let problem = credentials.problem(kind: type.credentialsProfileKind, profile: mapping.credentialsProfile)
        {
            problems.append(problem)
        }
        return problems
    }
}
