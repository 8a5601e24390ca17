/// What a dialect's write transactions lock. PostgreSQL replicas write to one database at once, so its
/// writes lock what their checks read; SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time.
extension SQLDialect {
    /// Whether writes take row and advisory locks.
    var takesLocks: Bool { self == .postgres }

    /// `clause` (a `FOR ...` row lock) as a suffix for a locking read, or nothing where writes take no locks.
    func lockSuffix(_ clause: String) -> String { takesLocks ? " " + clause : "" }
}
