import Foundation
import PushgateCore

extension PostgresStore {
    package func createDeployment(_ spec: DeploymentSpec, now: Date) async throws -> Deployment {
        let variables = try Self.validated(spec)
        return try await write { db in try Self.insertDeployment(db, spec, variables: variables, now: now) }
    }

    package func deployment(named name: String) async throws -> Deployment {
        try await read { db in try Self.findDeployment(db, name) }
    }

    package func deployments(pool poolName: String?) async throws -> [Deployment] {
        try await read { db in try Self.listDeployments(db, pool: poolName) }
    }

    package func updateDeployment(named name: String, _ update: DeploymentUpdate, now: Date) async throws -> Deployment {
        let variables = try Self.validated(update, of: name)
        return try await write { db in try Self.updateDeployment(db, named: name, update, variables: variables, now: now, dialect: .postgres) }
    }

    package func deleteDeployment(named name: String) async throws {
        try await write { db in try Self.deleteDeployment(db, named: name, dialect: .postgres) }
    }
}
