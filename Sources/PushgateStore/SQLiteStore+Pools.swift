import Foundation
import PushgateCore

extension SQLiteStore {
    package func createPool(_ spec: WorkPoolSpec, now: Date) throws -> WorkPool {
        let (type, template) = try Self.validated(spec)
        return try write { db in try Self.insertPool(db, spec, type: type, template: template, now: now) }
    }

    package func pool(named name: String) throws -> WorkPool {
        try read { db in try Self.findPool(db, name) }
    }

    package func pools() throws -> [WorkPool] {
        try read { db in try Self.listPools(db) }
    }

    package func updatePool(named name: String, _ update: WorkPoolUpdate, now: Date) throws -> WorkPool {
        let update = try Self.validated(update, of: name)
        return try write { db in try Self.updatePool(db, named: name, update, now: now, dialect: .sqlite) }
    }

    package func poolTemplate(pool: String, version: Int) throws -> String {
        try read { db in try Self.poolTemplate(db, pool: pool, version: version) }
    }

    package func setPoolStatusReason(pool: String, reason: String?) throws {
        try write { db in try Self.setPoolStatusReason(db, pool: pool, reason: reason) }
    }

    package func deletePool(named name: String) throws {
        try write { db in try Self.deletePool(db, named: name, dialect: .sqlite) }
    }
}
