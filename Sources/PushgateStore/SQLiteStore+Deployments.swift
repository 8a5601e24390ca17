import Foundation
import PushgateCore

extension SQLiteStore {
    package func createDeployment(_ spec: DeploymentSpec, now: Date) throws -> Deployment {
        let variables = try Self.validated(spec)
        return try write { db in try Self.insertDeployment(db, spec, variables: variables, now: now) }
    }

    package func deployment(named name: String) throws -> Deployment {
        try read { db in try Self.findDeployment(db, name) }
    }

    package func deployments(pool poolName: String?) throws -> [Deployment] {
        try read { db in try Self.listDeployments(db, pool: poolName) }
    }

    package func updateDeployment(named name: String, _ update: DeploymentUpdate, now: Date) throws -> Deployment {
        let variables = try Self.validated(update, of: name)
        return try write { db in try Self.updateDeployment(db, named: name, update, variables: variables, now: now, dialect: .sqlite) }
    }

    package func deleteDeployment(named name: String) throws {
        try write { db in try Self.deleteDeployment(db, named: name, dialect: .sqlite) }
    }
}
