import Foundation

/// The JSON forms of the model, shared by `--json` listings and the HTTP API so both show the same
/// fields (snake_case, Prefect's names where Prefect has one).
package enum ModelJSON {
    /// ISO 8601 in UTC, with fractional seconds only when the time has them.
    package static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: date.timeIntervalSince1970.rounded() != date.timeIntervalSince1970))
    }
    package static func value(_ date: Date?) -> JSONValue { date.map { .string(timestamp($0)) } ?? .null }
    package static func value(_ int: Int?) -> JSONValue { int.map { .int(Int64($0)) } ?? .null }
    package static func value(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    /// Stored JSON text back as a value.
    package static func document(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return (try? JSONValue.parse(text)) ?? .string(text)
    }

    /// PAUSED when paused; READY when the dispatcher considered any of its queues within 60 s; else NOT_READY.
    package static func status(_ pool: WorkPool, queues: [WorkQueue], now: Date) -> WorkQueueStatus {
        if pool.isPaused { return .paused }
        let ready = queues.contains { queue in
            queue.lastConsideredAt.map { now.timeIntervalSince($0) <= WorkQueue.readyWindow } ?? false
        }
        return ready ? .ready : .notReady
    }

    package static func pool(_ pool: WorkPool, status: WorkQueueStatus) -> JSONValue {
        .object([
            "name": .string(pool.name),
            "type": .string(pool.type),
            "status": .string(status.rawValue),
            "status_reason": value(pool.statusReason),
            "is_paused": .bool(pool.isPaused),
            "concurrency_limit": value(pool.concurrencyLimit),
            "credentials_profile": value(pool.credentialsProfile),
            "allow_undeclared_variables": .bool(pool.undeclaredVariables == .drop),
            "template_version": .int(Int64(pool.templateVersion)),
            "created_at": value(pool.createdAt),
            "updated_at": value(pool.updatedAt),
        ])
    }

    package static func queue(_ queue: WorkQueue, now: Date) -> JSONValue {
        .object([
            "name": .string(queue.name),
            "pool": .string(queue.poolName),
            "priority": .int(Int64(queue.priority)),
            "status": .string(queue.status(now: now).rawValue),
            "is_paused": .bool(queue.isPaused),
            "concurrency_limit": value(queue.concurrencyLimit),
            "last_considered_at": value(queue.lastConsideredAt),
            "created_at": value(queue.createdAt),
        ])
    }

    package static func deployment(_ deployment: Deployment) -> JSONValue {
        .object([
            "name": .string(deployment.name),
            "pool": .string(deployment.poolName),
            "queue": .string(deployment.queueName),
            "concurrency_limit": value(deployment.concurrencyLimit),
            "job_variables": document(deployment.jobVariables ?? "{}"),
            "invalid_reason": value(deployment.invalidReason),
            "created_at": value(deployment.createdAt),
        ])
    }

    package static func run(_ run: FlowRun) -> JSONValue {
        .object([
            "id": .string(run.id),
            "deployment": .string(run.deploymentName),
            "pool": .string(run.poolName),
            "queue": .string(run.queueName),
            "state": .string(run.state.displayName),
            "state_reason": .string(run.stateReason),
            "state_changed_at": value(run.stateChangedAt),
            "scheduled_time": value(run.scheduledTime),
            "attempt": .int(Int64(run.attempt)),
            "provider_handle": value(run.providerHandle),
            "tracking_note": value(run.trackingNote),
            "template_version": value(run.templateVersion),
            "lease_owner": value(run.leaseOwner),
            "lease_expires_at": value(run.leaseExpiresAt),
            "idempotency_key": value(run.idempotencyKey),
            "job_variables": document(run.jobVariables ?? "{}"),
            "created_at": value(run.createdAt),
        ])
    }

    package static func cleanup(_ cleanup: PendingCleanup) -> JSONValue {
        .object([
            "run_id": .string(cleanup.run.id),
            "pool": .string(cleanup.run.poolName),
            "deployment": .string(cleanup.run.deploymentName),
            "state": .string(cleanup.run.state.displayName),
            "provider_handle": .string(cleanup.providerHandle),
            "attempts": .int(Int64(cleanup.attempts)),
            "next_attempt_at": value(cleanup.nextAttemptAt),
            "last_error": value(cleanup.lastError),
            "created_at": value(cleanup.createdAt),
        ])
    }

    package static func transition(_ transition: StateTransition) -> JSONValue {
        .object([
            "from": transition.from.map { .string($0.displayName) } ?? .null,
            "to": .string(transition.to.displayName),
            "at": value(transition.at),
            "reason": .string(transition.reason),
        ])
    }

    /// A preview entry; a run held because the pool cannot submit carries the pool's reason in `detail`.
    package static func preview(_ entry: PreviewEntry, poolStatusReason: String? = nil) -> JSONValue {
        let reason: JSONValue
        let status: String
        switch entry.verdict {
        case .next:
            status = "next"
            reason = .null
        case .held(let hold):
            status = "held"
            reason = .string(hold.rawValue)
        }
        var object: [String: JSONValue] = [
            "id": .string(entry.run.id),
            "deployment": .string(entry.run.deploymentName),
            "queue": .string(entry.run.queueName),
            "scheduled_time": value(entry.run.scheduledTime),
            "state": .string(entry.run.state.displayName),
            "status": .string(status),
            "reason": reason,
        ]
        if entry.verdict == .held(.poolCannotSubmit) { object["detail"] = value(poolStatusReason) }
        return .object(object)
    }
}
