import Foundation
import PushgateCore

/// Schema upgrades, run by each store inside its own write transaction (PostgreSQL under an advisory lock).
extension SQLStore {
    /// Applies missing migrations, each with its version row; refuses a database newer than this build.
    static func applyMigrations(_ db: some SQLQuerying, dialect: SQLDialect, place: String) throws {
        try db.execute(dialect.render(Schema.migrationsTable))
        var applied = Set<Int>()
        try db.query("SELECT version FROM schema_migrations", []) { applied.insert($0.int(0)) }
        if let newest = applied.max(), newest > Schema.latestVersion {
            throw StoreError(
                .schemaTooNew,
                "database '\(place)' has schema version \(newest); this pushgate knows up to \(Schema.latestVersion)"
            )
        }
        for migration in Schema.migrations where !applied.contains(migration.version) {
            for step in migration.steps { try db.execute(step.sql(for: dialect)) }
            try db.run(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [.integer(Int64(migration.version)), .text(migration.name), .date(Date())]
            )
        }
    }
}
