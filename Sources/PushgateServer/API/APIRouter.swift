import Foundation
import PushgateCore
import PushgateHTTPServer

/// The HTTP API, resource names after Prefect's (`work_pools`, `queues`, `deployments`, `flow_runs`):
/// a function from a request to a response over the store, testable without sockets. Authentication and
/// size limits are the ``APIServer``'s; this router assumes an authenticated request.
package struct APIRouter: Sendable {
    let store: any Store
    let providers: (any ProviderDirectory)?
    /// The pool types this gateway pushes to.
    let catalog: ProviderCatalog
    let clock: any WallClock
    let metrics: MetricsRegistry
    /// Where the default template of each push type lives (`templates/` of the installation).
    let templatesDirectory: URL?
    /// Whether the dispatcher and poller loops are alive, for `/health`.
    let loopsAlive: @Sendable () -> Bool

    package init(
        store: any Store,
        providers: (any ProviderDirectory)?,
        catalog: ProviderCatalog,
        clock: any WallClock,
        metrics: MetricsRegistry,
        templatesDirectory: URL?,
        loopsAlive: @escaping @Sendable () -> Bool = { true }
    ) {
        self.store = store
        self.providers = providers
        self.catalog = catalog
        self.clock = clock
        self.metrics = metrics
        self.templatesDirectory = templatesDirectory
        self.loopsAlive = loopsAlive
    }

    package func handle(_ request: ServerRequest) async -> ServerResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let allowed = Self.allowedMethods(segments)
        if !allowed.isEmpty && !allowed.contains(request.method) {
            return APIRouter.error(APIError(405, "\(request.path) does not answer \(request.method); it answers \(allowed.joined(separator: ", "))"))
                .with(header: "Allow", allowed.joined(separator: ", "))
        }
        do {
            return try await route(request, segments)
        } catch let error as APIError {
            return APIRouter.error(error)
        } catch let error as StoreError {
            return APIRouter.error(APIError(error))
        } catch {
            return APIRouter.error(APIError(500, "internal error: \(error)"))
        }
    }

    static func json(_ status: Int, _ value: JSONValue) -> ServerResponse {
        .json(status, value.serialized())
    }

    static func error(_ error: APIError) -> ServerResponse {
        var body: [String: JSONValue] = ["error": .string(error.message)]
        if !error.problems.isEmpty { body["problems"] = .array(error.problems.map(\.jsonValue)) }
        return json(error.status, .object(body))
    }

    private func route(_ request: ServerRequest, _ path: [String]) async throws -> ServerResponse {
        switch (request.method, path.count, path.first) {
        case ("GET", 1, "health"): return await health()
        case ("GET", 1, "metrics"): return await metricsText()
        case ("POST", 2, "templates") where path[1] == "validate": return try validateTemplate(request)
        case (_, _, "work_pools"): return try await workPools(request, Array(path.dropFirst()))
        case (_, _, "deployments"): return try await deployments(request, Array(path.dropFirst()))
        case (_, _, "flow_runs"): return try await flowRuns(request, Array(path.dropFirst()))
        case ("GET", 1, "cleanups"):
            // What finished runs left at their providers, not yet removed (docs/design.md "Clean-up").
            return APIRouter.json(200, .array(try await store.pendingCleanups(dueBy: nil, limit: 1_000).map(ModelJSON.cleanup)))
        default: throw APIError.notFound("no route for \(request.method) \(request.path)")
        }
    }

    // MARK: Health and metrics

    private func health() async -> ServerResponse {
        var storeProblem: String?
        do { _ = try await store.pools() } catch { storeProblem = "\(error)" }
        if storeProblem == nil { storeProblem = await store.writeUnavailableReason() }
        let loops = loopsAlive()
        let healthy = storeProblem == nil && loops
        var body: [String: JSONValue] = ["status": .string(healthy ? "ok" : "unhealthy"), "store": .bool(storeProblem == nil), "loops": .bool(loops)]
        if let storeProblem { body["store_error"] = .string(storeProblem) }
        return APIRouter.json(healthy ? 200 : 503, .object(body))
    }

    private func metricsText() async -> ServerResponse {
        // Gauges computed from the store at scrape time: runs by state and queue depth and status.
        if let counts = try? await store.nonTerminalRunCounts() {
            var byState: [MetricsRegistry.Labels: Double] = [:]
            var depth: [MetricsRegistry.Labels: Double] = [:]
            for state in RunState.allCases where !state.isTerminal { byState[["state": state.displayName]] = 0 }
            for count in counts {
                byState[["state": count.state.displayName], default: 0] += Double(count.count)
                if count.state.isSchedulable { depth[["pool": count.poolName, "queue": count.queueName], default: 0] += Double(count.count) }
            }
            GatewayMetrics(metrics).runGauges(byState: byState, queueDepth: depth)
        }
        if let pools = try? await store.pools() {
            var statuses: [MetricsRegistry.Labels: Double] = [:]
            let now = clock.now()
            for pool in pools {
                for queue in (try? await store.queues(pool: pool.name)) ?? [] {
                    let status = pool.isPaused ? WorkQueueStatus.paused : queue.status(now: now)
                    statuses[["pool": pool.name, "queue": queue.name, "status": status.rawValue]] = 1
                }
            }
            GatewayMetrics(metrics).queueStatuses(statuses)
        }
        return ServerResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4"], body: Data(metrics.render().utf8))
    }

    // MARK: Templates

    private func validateTemplate(_ request: ServerRequest) throws -> ServerResponse {
        // The body is the template itself; `?type=` adds the provider's requirements.
        let type = try request.queryValue("type").map { type throws(APIError) in try providerType(type) }
        var problems: [TemplateProblem] = []
        do {
            let template = try BaseJobTemplate(data: request.body, file: "body")
            if let type { problems = template.problems(for: type) }
        } catch {
            problems = error.problems
        }
        return APIRouter.json(200, .object(["valid": .bool(problems.isEmpty), "problems": .array(problems.map(\.jsonValue))]))
    }

    /// The registered type of a pool type name, or 422 naming the supported ones.
    func providerType(_ name: String) throws(APIError) -> ProviderType {
        guard let type = catalog.type(forPoolType: name) else {
            throw APIError(422, "unknown type '\(name)' (supported: \(catalog.supportedTypes))")
        }
        return type
    }
}
