/// The store's schema as versioned migrations, shared by every backend.
///
/// Indexes are chosen so a claim reads only due runs: `flow_runs_due` is a partial index over schedulable
/// runs by queue and scheduled time, and in-flight counts use partial indexes over Pending/Running runs.
package enum Schema {
    package static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at {BIGINT} NOT NULL
        )
        """

    package static let migrations: [Migration] = [
        Migration(
            version: 1,
            name: "pools, queues, deployments, runs, state history",
            steps: [
                .init(
                    """
                    CREATE TABLE work_pools (
                        id {ID},
                        name TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        base_job_template TEXT NOT NULL,
                        concurrency_limit {BIGINT} CHECK (concurrency_limit IS NULL OR concurrency_limit >= 0),
                        is_paused INTEGER NOT NULL DEFAULT 0,
                        credentials_profile TEXT,
                        created_at {BIGINT} NOT NULL,
                        updated_at {BIGINT} NOT NULL
                    )
                    """
                ),
                .init(
                    """
                    CREATE TABLE work_queues (
                        id {ID},
                        pool_id {BIGINT} NOT NULL REFERENCES work_pools (id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        priority INTEGER NOT NULL CHECK (priority >= 1),
                        concurrency_limit {BIGINT} CHECK (concurrency_limit IS NULL OR concurrency_limit >= 0),
                        is_paused INTEGER NOT NULL DEFAULT 0,
                        last_considered_at {BIGINT},
                        created_at {BIGINT} NOT NULL,
                        UNIQUE (pool_id, name)
                    )
                    """
                ),
                .init("CREATE UNIQUE INDEX work_queues_priority ON work_queues (pool_id, priority)"),
                .init(
                    """
                    CREATE TABLE deployments (
                        id {ID},
                        name TEXT NOT NULL UNIQUE,
                        pool_id {BIGINT} NOT NULL REFERENCES work_pools (id),
                        queue_id {BIGINT} NOT NULL REFERENCES work_queues (id),
                        job_variables TEXT,
                        concurrency_limit {BIGINT} CHECK (concurrency_limit IS NULL OR concurrency_limit >= 0),
                        created_at {BIGINT} NOT NULL
                    )
                    """
                ),
                .init("CREATE INDEX deployments_queue ON deployments (queue_id)"),
                .init("CREATE INDEX deployments_pool ON deployments (pool_id)"),
                .init(
                    """
                    CREATE TABLE flow_runs (
                        id TEXT PRIMARY KEY,
                        deployment_id {BIGINT} NOT NULL REFERENCES deployments (id),
                        pool_id {BIGINT} NOT NULL REFERENCES work_pools (id),
                        queue_id {BIGINT} NOT NULL REFERENCES work_queues (id),
                        scheduled_time {BIGINT} NOT NULL,
                        job_variables TEXT,
                        idempotency_key TEXT,
                        state TEXT NOT NULL CHECK (state IN ('SCHEDULED', 'LATE', 'PENDING', 'RUNNING', 'COMPLETED',
                            'FAILED', 'CRASHED', 'CANCELLING', 'CANCELLED')),
                        state_reason TEXT NOT NULL,
                        state_changed_at {BIGINT} NOT NULL,
                        attempt INTEGER NOT NULL DEFAULT 0,
                        provider_handle TEXT,
                        lease_owner TEXT,
                        lease_expires_at {BIGINT},
                        created_at {BIGINT} NOT NULL,
                        CHECK (state <> 'PENDING' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
                    )
                    """
                ),
                .init(
                    """
                    CREATE INDEX flow_runs_due ON flow_runs (queue_id, scheduled_time, id)
                        WHERE state IN ('SCHEDULED', 'LATE')
                    """
                ),
                .init("CREATE INDEX flow_runs_to_mark_late ON flow_runs (scheduled_time) WHERE state = 'SCHEDULED'"),
                .init(
                    "CREATE INDEX flow_runs_in_flight_queue ON flow_runs (queue_id) WHERE state IN ('PENDING', 'RUNNING')"
                ),
                .init(
                    """
                    CREATE INDEX flow_runs_in_flight_deployment ON flow_runs (deployment_id)
                        WHERE state IN ('PENDING', 'RUNNING')
                    """
                ),
                .init(
                    """
                    CREATE INDEX flow_runs_leased ON flow_runs (pool_id, lease_expires_at)
                        WHERE state IN ('PENDING', 'CANCELLING')
                    """
                ),
                .init(
                    """
                    CREATE UNIQUE INDEX flow_runs_idempotency ON flow_runs (deployment_id, idempotency_key)
                        WHERE idempotency_key IS NOT NULL
                    """
                ),
                .init("CREATE INDEX flow_runs_pool_time ON flow_runs (pool_id, scheduled_time)"),
                .init(
                    """
                    CREATE TABLE flow_run_states (
                        id {ID},
                        run_id TEXT NOT NULL REFERENCES flow_runs (id),
                        from_state TEXT,
                        to_state TEXT NOT NULL,
                        at {BIGINT} NOT NULL,
                        reason TEXT NOT NULL
                    )
                    """
                ),
                .init("CREATE INDEX flow_run_states_run ON flow_run_states (run_id, id)"),
                // The database itself refuses to rewrite history or to move a run out of a terminal state.
                .init(
                    sqlite: """
                        CREATE TRIGGER flow_run_states_append_only BEFORE UPDATE ON flow_run_states
                        BEGIN SELECT RAISE(ABORT, 'state history is append-only'); END
                        """,
                    postgres: """
                        CREATE FUNCTION flow_run_states_append_only() RETURNS trigger AS $$
                        BEGIN RAISE EXCEPTION 'state history is append-only'; END $$ LANGUAGE plpgsql;
                        CREATE TRIGGER flow_run_states_append_only BEFORE UPDATE ON flow_run_states
                        FOR EACH ROW EXECUTE FUNCTION flow_run_states_append_only()
                        """
                ),
                .init(
                    sqlite: """
                        CREATE TRIGGER flow_runs_terminal_final BEFORE UPDATE OF state ON flow_runs
                        WHEN OLD.state IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED') AND NEW.state <> OLD.state
                        BEGIN SELECT RAISE(ABORT, 'terminal run states are final'); END
                        """,
                    postgres: """
                        CREATE FUNCTION flow_runs_terminal_final() RETURNS trigger AS $$
                        BEGIN RAISE EXCEPTION 'terminal run states are final'; END $$ LANGUAGE plpgsql;
                        CREATE TRIGGER flow_runs_terminal_final BEFORE UPDATE OF state ON flow_runs FOR EACH ROW
                        WHEN (OLD.state IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED') AND NEW.state <> OLD.state)
                        EXECUTE FUNCTION flow_runs_terminal_final()
                        """
                ),
            ]
        ),
        Migration(
            version: 2,
            name: "tracking notes and pending clean-ups",
            steps: [
                // Why an in-flight run's workload is not confirmed (its status read said "not found" and no
                // other look-up settled it); cleared when the provider answers again.
                .init("ALTER TABLE flow_runs ADD COLUMN tracking_note TEXT"),
                // What a finished run left at its provider, recorded with the terminal state so a crash before
                // the clean-up call forgets nothing; retried with backoff until the provider confirms.
                .init(
                    """
                    CREATE TABLE pending_cleanups (
                        run_id TEXT PRIMARY KEY REFERENCES flow_runs (id),
                        provider_handle TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at {BIGINT} NOT NULL,
                        last_error TEXT,
                        created_at {BIGINT} NOT NULL
                    )
                    """
                ),
                .init("CREATE INDEX pending_cleanups_due ON pending_cleanups (next_attempt_at)"),
            ]
        ),
        Migration(
            version: 3,
            name: "enforced interfaces: template versions, undeclared variables, invalid deployments; pool status reasons",
            steps: [
                .init("ALTER TABLE work_pools ADD COLUMN allow_undeclared_variables INTEGER NOT NULL DEFAULT 0"),
                .init("ALTER TABLE work_pools ADD COLUMN template_version INTEGER NOT NULL DEFAULT 1"),
                // Why serve cannot submit the pool (a missing credentials profile), written on change.
                .init("ALTER TABLE work_pools ADD COLUMN status_reason TEXT"),
                // Every template a pool has had, so a run in flight is tracked with the one it was submitted with.
                .init(
                    """
                    CREATE TABLE pool_templates (
                        pool_id {BIGINT} NOT NULL REFERENCES work_pools (id),
                        version INTEGER NOT NULL,
                        base_job_template TEXT NOT NULL,
                        created_at {BIGINT} NOT NULL,
                        PRIMARY KEY (pool_id, version)
                    )
                    """
                ),
                .init(
                    """
                    INSERT INTO pool_templates (pool_id, version, base_job_template, created_at)
                    SELECT id, 1, base_job_template, updated_at FROM work_pools
                    """
                ),
                // Why a deployment no longer fits its pool's template (set by a forced template update).
                .init("ALTER TABLE deployments ADD COLUMN invalid_reason TEXT"),
                // The pool template version a run was submitted with.
                .init("ALTER TABLE flow_runs ADD COLUMN template_version INTEGER"),
            ]
        ),
        Migration(
            version: 4,
            name: "indexes for paged run listings, newest first, and recent transitions",
            steps: [
                // The web page's runs list reads one page in scheduled-time order, by pool (flow_runs_pool_time),
                // by queue (flow_runs_due), by deployment or over all runs, never every row.
                .init("CREATE INDEX flow_runs_time ON flow_runs (scheduled_time, id)"),
                .init("CREATE INDEX flow_runs_deployment_time ON flow_runs (deployment_id, scheduled_time, id)"),
                // The pool chart counts the last hour's transitions.
                .init("CREATE INDEX flow_run_states_at ON flow_run_states (at)"),
            ]
        ),
        Migration(
            version: 5,
            name: "a partial index of live runs for the pages' counts",
            steps: [
                // The pools page counts Late and in-flight runs per queue: a few rows, not the Scheduled backlog.
                .init("CREATE INDEX flow_runs_live ON flow_runs (queue_id, state) WHERE state IN ('LATE', 'PENDING', 'RUNNING', 'CANCELLING')")
            ]
        ),
        Migration(
            version: 6,
            name: "a partial index of finished runs by end time, for retention",
            steps: [
                .init(
                    """
                    CREATE INDEX flow_runs_finished ON flow_runs (state_changed_at)
                        WHERE state IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')
                    """
                )
            ]
        ),
    ]

    /// The newest schema version this build knows.
    package static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }
}
