import Foundation
import PushgateCore

extension PostgresStore {
    package func createPool(_ spec: WorkPoolSpec, now: Date) async throws -> WorkPool {
        let (type, template) = try Self.validated(spec)
        return try await write { db in try Self.insertPool(db, spec, type: type, template: template, now: now) }
    }

    package func pool(named name: String) async throws -> WorkPool {
        try await read { db in try Self.findPool(db, name) }
    }

    package func pools() async throws -> [WorkPool] {
        try await read { db in try Self.listPools(db) }
    }

    package func updatePool(named name: String, _ update: WorkPoolUpdate, now: Date) async throws -> WorkPool {
        let update = try Self.validated(update, of: name)
        return try await write { db in try Self.updatePool(db, named: name, update, now: now, dialect: .postgres) }
    }

    package func poolTemplate(pool: String, version: Int) async throws -> String {
        try await read { db in try Self.poolTemplate(db, pool: pool, version: version) }
    }

    package func setPoolStatusReason(pool: String, reason: String?) async throws {
        try await write { db in try Self.setPoolStatusReason(db, pool: pool, reason: reason) }
    }

    package func deletePool(named name: String) async throws {
        try await write { db in try Self.deletePool(db, named: name, dialect: .postgres) }
    }
}
