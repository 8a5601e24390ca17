import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateRegistry
import PushgateServer
import PushgateStore

/// `pushgate demo`: the whole flow in a minute, with no cloud account: emulators of ECS, Cloud Run v2 and
/// ACI on loopback, a SQLite store, pools from the shipped templates, prioritised queues, deployments and
/// runs, and the gateway submitting and tracking them while every state change is printed.
enum DemoCommand: CLICommand {
    static let name = "demo"
    static let summary = "run the gateway against loopback emulators and watch runs move (start here)"
    static let help = """
        usage: pushgate [--db PATH] demo [--timeout SECONDS] [--keep-serving]

        Starts the loopback emulators (\(ProviderRegistry.emulators.map(\.kind.rawValue).joined(separator: ", "))),
        creates a pool of each type from the shipped templates in a SQLite store (a new file in a temporary
        directory unless --db is given), an ECS critical/high/low queue waterfall with limits, deployments
        and \(DemoScenario.runCount(emulatorCount: ProviderRegistry.emulators.count)) runs (one fails, one is cancelled), plus a process pool whose two runs really
        execute a short shell command on this machine (one exits 0, one exits 1; their output is printed
        at the end), then runs the gateway and prints every state change until all runs have ended (or --timeout, default 90 s). With --keep-serving the gateway and
        its HTTP API keep running afterwards until Ctrl-C, so you can try `pushgate --db PATH run ls` or
        `curl` the API. When a Docker-compatible engine answers at DOCKER_HOST (or /var/run/docker.sock), a
        docker pool is added too: an image made from the machine's busybox, and two runs that really execute.
        """

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let parsed: ParsedArguments
        let timeout: TimeInterval
        do {
            parsed = try ParsedArguments(arguments, valueOptions: ["timeout"], flagOptions: ["keep-serving"])
            guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
            timeout =
                try parsed.option("timeout").map { text in
                    guard let value = Double(text), value > 0 else { throw UsageError("option '--timeout' expects seconds, got '\(text)'") }
                    return value
                } ?? 90
        } catch {
            context.error("pushgate demo: \(error)")
            return .usage
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-demo-\(UUID().uuidString.prefix(8))")
        var context = context
        if context.environment["PUSHGATE_DB"] == nil {
            context.environment["PUSHGATE_DB"] = directory.appendingPathComponent("demo.db").path
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let suite = try EmulatorSuite.start(EmulatorSuite.Options(directory: directory), ProviderRegistry.emulators)
            defer { suite.stop() }
            let store = try await StoreAccess.open(context)
            let emulatedRuns = try await DemoScenario.create(
                in: store,
                suite: suite,
                templates: ServeOptions.defaultTemplatesDirectory(context),
                context: context
            )
            let runs =
                await emulatedRuns
                + DemoDockerPool.create(
                    in: store,
                    credentialsPath: suite.credentialsPath,
                    templates: ServeOptions.defaultTemplatesDirectory(context),
                    directory: directory,
                    context: context
                )
            context.print("store: \(StoreAccess.databasePath(context))   credentials: \(suite.credentialsPath)")
            let token = UUID().uuidString.lowercased()
            var options = try ServeOptions(arguments: try ParsedArguments([], valueOptions: []), context: context)
            options.credentialsPath = suite.credentialsPath
            options.port = 0
            options.tokens = [token]
            options.pollInterval = 0.5
            options.replica = "demo"
            options.logLevel = .warning
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            let runtime = try await ServeRuntime.make(options: options, store: store, http: http, context: context)
            if let api = runtime.api {
                context.print("HTTP API: \(api.baseURL)  (Authorization: Bearer \(token))")
                context.print("Web page: \(api.baseURL)/ui/  (log in with the token above)")
            }
            context.print("")
            let keepServing = parsed.flag("keep-serving")
            let context = context
            await runtime.gateway.run(until: {
                let finished = await DemoScenario.watch(runs, store: store, timeout: timeout, context: context)
                if !finished { context.print("timed out after \(Int(timeout)) s") }
                let http = RefusingHTTPClient()
                let providers = CredentialsProviderDirectory(
                    credentials: nil,
                    http: http,
                    http2: http,
                    clock: SystemClock(),
                    environment: context.environment,
                    local: DataDirectory.local(context, path: DataDirectory.path(context))
                )
                await DemoScenario.processOutput(runs, store: store, providers: providers, context: context)
                await DemoScenario.summary(runs, store: store, suite: suite, context: context)
                if keepServing {
                    context.print("\ngateway still serving; Ctrl-C to stop")
                    return await SignalWatcher.first()
                }
                return nil
            })
            runtime.api?.stop()
            let all = try await store.runs(FlowRunFilter(limit: 1_000))
            await store.close()
            return all.allSatisfy(\.state.isTerminal) ? .success : .failure
        } catch {
            context.error("pushgate demo: \(error)")
            return .usage
        }
    }
}
