/// One versioned schema step. Steps are applied in order, each in the same transaction as the row that
/// records it in `schema_migrations`, so a crash never leaves a half-applied version.
package struct Migration: Sendable {
    /// One statement, portable (with ``SQLDialect`` tokens) or spelled per dialect.
    package struct Step: Sendable {
        package var sqlite: String
        package var postgres: String

        package init(_ portable: String) {
            self.sqlite = portable
            self.postgres = portable
        }

        package init(sqlite: String, postgres: String) {
            self.sqlite = sqlite
            self.postgres = postgres
        }

        package func sql(for dialect: SQLDialect) -> String {
            switch dialect {
            case .sqlite: return dialect.render(sqlite)
            case .postgres: return dialect.render(postgres)
            }
        }
    }

    package var version: Int
    package var name: String
    package var steps: [Step]

    package init(version: Int, name: String, steps: [Step]) {
        self.version = version
        self.name = name
        self.steps = steps
    }
}
