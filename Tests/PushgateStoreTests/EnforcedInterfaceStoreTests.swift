import Foundation
import PushgateCore
import PushgateStore
import Testing

/// Template versions, invalid deployments and deployments switching pools, on every backend
/// (docs/design.md "Enforced interfaces").
@Suite struct EnforcedInterfaceStoreTests {
    static let otherTemplate = #"{"job_configuration": {"image": "{{ image }}"}, "variables": {"properties": {"image": {"type": "string"}}}}"#

    @Test(arguments: StoreBackend.allCases)
    func templateUpdatesAreVersionedAndMarkDeployments(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        let pool = try await f.pool("p")
        #expect(pool.templateVersion == 1 && pool.undeclaredVariables == .refuse)
        let original = pool.baseJobTemplate
        try await f.deployment("d", pool: "p")
        try await f.deployment("e", pool: "p")
        let change = WorkPoolUpdate.TemplateChange(
            baseJobTemplate: Self.otherTemplate,
            expectedVersion: 1,
            invalidDeployments: ["d": "deployment 'd' job_variables: $.cpu: 512 is not one of [256]"]
        )
        let updated = try await f.store.updatePool(named: "p", WorkPoolUpdate(template: change), now: f.now)
        #expect(updated.templateVersion == 2)
        #expect(try await f.store.poolTemplate(pool: "p", version: 1) == original)
        #expect(try await f.store.poolTemplate(pool: "p", version: 2).contains("{{ image }}"))
        await #expect(throws: StoreError.self) { try await f.store.poolTemplate(pool: "p", version: 3) }
        // A second update checked against version 1 lost the race: refused, nothing changed.
        await #expect(throws: StoreError.self) {
            try await f.store.updatePool(named: "p", WorkPoolUpdate(template: change), now: f.now)
        }
        #expect(try await f.store.pool(named: "p").templateVersion == 2)
        let marked = try await f.store.deployment(named: "d")
        #expect(marked.invalidReason?.contains("since template version 2") == true)
        #expect(try await f.store.deployment(named: "e").invalidReason == nil)
        // New runs of the marked deployment are refused with the reason; the other deployment's are not.
        do {
            _ = try await f.run("d")
            Issue.record("a run of an invalid deployment was created")
        } catch let error as StoreError {
            #expect(error.message.contains("no longer fits") && error.message.contains("512 is not one of"))
        }
        #expect(try await f.store.runs(FlowRunFilter(deploymentName: "d", limit: 10)).isEmpty)
        _ = try await f.run("e")
        // Fixing the variables (checked by the caller) makes it valid again.
        _ = try await f.store.updateDeployment(named: "d", DeploymentUpdate(jobVariables: .some(#"{"image": "x"}"#)), now: f.now)
        #expect(try await f.store.deployment(named: "d").invalidReason == nil)
        _ = try await f.run("d")
        // The undeclared-variables rule is stored on the pool.
        #expect(try await f.store.updatePool(named: "p", WorkPoolUpdate(undeclaredVariables: .drop), now: f.now).undeclaredVariables == .drop)
    }

    @Test(arguments: StoreBackend.allCases)
    func aSubmittedRunKeepsItsTemplateVersion(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await f.run("d")
        _ = try await f.claim("p")
        let submitted = try await f.store.markSubmitted(runID: id, owner: "test", providerHandle: "h", templateVersion: 1, now: f.now)
        #expect(submitted.templateVersion == 1)
        let change = WorkPoolUpdate.TemplateChange(baseJobTemplate: Self.otherTemplate, expectedVersion: 1)
        _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(template: change), now: f.now)
        #expect(try await f.store.run(id: id).templateVersion == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeploymentSwitchesPoolsWithItsScheduledRuns(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("dev", limit: 1)
        _ = try await f.store.createPool(WorkPoolSpec(name: "prod", type: "cloud-run-v2:push", baseJobTemplate: Self.otherTemplate), now: f.now)
        try await f.queue("prod", "urgent", priority: 2)
        try await f.deployment("d", pool: "dev")
        let running = try await f.run("d")
        _ = try await f.claim("dev")
        let waiting = [try await f.run("d", at: 60), try await f.run("d", at: 120)]
        // Without --move-scheduled, runs already created stay; only new ones go to the new pool.
        var moved = try await f.store.updateDeployment(named: "d", DeploymentUpdate(poolName: "prod"), now: f.now)
        #expect(moved.poolName == "prod" && moved.queueName == "default")
        #expect(try await f.store.run(id: waiting[0]).poolName == "dev")
        let fresh = try await f.run("d")
        #expect(try await f.store.run(id: fresh).poolName == "prod")
        // The dev pool is full (limit 1, one run in flight) but does not hold back the deployment's new runs.
        #expect(try await f.claim("prod").map(\.id) == [fresh])
        // Back to dev and out again with --move-scheduled: the Scheduled runs move, the claimed one stays.
        moved = try await f.store.updateDeployment(named: "d", DeploymentUpdate(poolName: "dev"), now: f.now)
        moved = try await f.store.updateDeployment(
            named: "d",
            DeploymentUpdate(queueName: "urgent", poolName: "prod", moveScheduled: true),
            now: f.now
        )
        #expect(moved.queueName == "urgent")
        for id in waiting {
            let run = try await f.store.run(id: id)
            #expect(run.poolName == "prod" && run.queueName == "urgent" && run.state == .scheduled)
            #expect(try await f.store.history(runID: id).last?.reason.contains("moved with deployment 'd' from pool 'dev' to 'prod'") == true)
        }
        #expect(try await f.store.run(id: running).poolName == "dev")
        await #expect(throws: StoreError.self) {
            try await f.store.updateDeployment(named: "d", DeploymentUpdate(poolName: "nowhere"), now: f.now)
        }
    }

    /// A claim in the old pool racing the move: every run ends up either claimed in the old pool or moved
    /// (still Scheduled) to the new one, never both, and none is lost.
    @Test(arguments: StoreBackend.allCases)
    func movingScheduledRunsRacesClaimsSafely(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("old")
        _ = try await f.store.createPool(WorkPoolSpec(name: "new", type: "ecs:push", baseJobTemplate: StoreFixture.template), now: f.now)
        try await f.deployment("d", pool: "old")
        let specs = (0..<300).map { _ in FlowRunSpec(deploymentName: "d", scheduledTime: f.now) }
        let ids = Set(try await f.store.createRuns(specs, now: f.now).map(\.run.id))
        let store = f.store
        let now = f.now
        async let claimed: [FlowRun] = {
            var all: [FlowRun] = []
            for _ in 0..<30 {
                all += try await store.claim(pool: "old", owner: "gw", limit: 5, leaseDuration: 60, now: now)
                await Task.yield()
            }
            return all
        }()
        try await Task.sleep(nanoseconds: 5_000_000)
        _ = try await store.updateDeployment(named: "d", DeploymentUpdate(poolName: "new", moveScheduled: true), now: now)
        let claimedIDs = Set(try await claimed.map(\.id))
        let runs = try await store.runs(FlowRunFilter(deploymentName: "d", limit: 1_000))
        #expect(Set(runs.map(\.id)) == ids)
        for run in runs {
            if claimedIDs.contains(run.id) {
                #expect(run.poolName == "old" && run.state == .pending, "\(run.id): claimed but \(run.poolName) \(run.state)")
            } else {
                #expect(run.poolName == "new" && run.state == .scheduled, "\(run.id): \(run.poolName) \(run.state)")
            }
        }
        // The new pool can claim exactly the moved runs.
        let taken = try await store.claim(pool: "new", owner: "gw2", limit: 1_000, leaseDuration: 60, now: now)
        #expect(Set(taken.map(\.id)) == ids.subtracting(claimedIDs))
        #expect(claimedIDs.count + taken.count == ids.count)
    }

    /// A file written by the first schema is migrated: every pool's template becomes its version 1.
    @Test func aVersionOneDatabaseIsMigrated() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("v1.db")
        let raw = RawSQLite(path)
        try raw.rows(SQLDialect.sqlite.render(Schema.migrationsTable))
        for step in Schema.migrations[0].steps { try raw.rows(step.sql(for: .sqlite)) }
        try raw.rows("INSERT INTO schema_migrations VALUES (1, 'v1', 0)")
        try raw.rows(
            "INSERT INTO work_pools (name, type, base_job_template, created_at, updated_at) VALUES ('p', 'ecs:push', '{\"a\": 1}', 0, 0)"
        )
        let store = try await SQLiteStore.open(path: path)
        defer { Task { await store.close() } }
        #expect(try await store.schemaVersion() == Schema.latestVersion)
        let pool = try await store.pool(named: "p")
        #expect(pool.templateVersion == 1 && pool.undeclaredVariables == .refuse)
        #expect(try await store.poolTemplate(pool: "p", version: 1) == #"{"a": 1}"#)
    }
}
