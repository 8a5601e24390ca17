/// The SQL backends the schema is written for. Migrations use a few tokens for the types that differ,
/// so SQLite and PostgreSQL share one list of versioned steps.
package enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// Replaces `{ID}` (auto-increment primary key) and `{BIGINT}` with this dialect's spelling.
    package func render(_ sql: String) -> String {
        switch self {
        case .sqlite:
            return sql.replacingOccurrences(of: "{ID}", with: "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replacingOccurrences(of: "{BIGINT}", with: "INTEGER")
        case .postgres:
            return sql.replacingOccurrences(of: "{ID}", with: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
                .replacingOccurrences(of: "{BIGINT}", with: "BIGINT")
        }
    }
}
