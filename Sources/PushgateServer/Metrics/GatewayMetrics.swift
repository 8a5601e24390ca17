import Foundation
import PushgateCore

/// Every series the gateway exports, declared once with its name, help and labels; the dispatcher,
/// poller and API record through it instead of writing names at each call site.
package struct GatewayMetrics: Sendable {
    package let registry: MetricsRegistry

    package init(_ registry: MetricsRegistry) { self.registry = registry }

    /// Buckets for scheduled-to-submitted latency, from 10 ms to 5 minutes.
    static let dueBuckets: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300]

    func claimDuration(pool: String, _ seconds: Double) {
        registry.observe("pushgate_claim_duration_seconds", help: "Time of one claim transaction.", labels: ["pool": pool], seconds)
    }

    func submitDuration(_ kind: ProviderKind, _ seconds: Double) {
        registry.observe(
            "pushgate_submit_duration_seconds",
            help: "Time of one provider submission.",
            labels: ["provider": kind.rawValue],
            seconds
        )
    }

    func dueToSubmitted(_ kind: ProviderKind, _ seconds: Double) {
        registry.observe(
            "pushgate_due_to_submitted_seconds",
            help: "From a run's scheduled time to its submission.",
            labels: ["provider": kind.rawValue],
            seconds,
            buckets: Self.dueBuckets
        )
    }

    func submissionFailure(_ kind: ProviderKind, code: ProviderError.Code) {
        registry.increment(
            "pushgate_submission_failures_total",
            help: "Failed provider submission calls.",
            labels: ["provider": kind.rawValue, "code": code.rawValue]
        )
    }

    func submission(_ kind: ProviderKind, adopted: Bool) {
        registry.increment(
            "pushgate_submissions_total",
            help: "Runs submitted to a provider.",
            labels: ["provider": kind.rawValue, "outcome": adopted ? "adopted" : "submitted"]
        )
    }

    func pollFailure(_ kind: ProviderKind) {
        registry.increment("pushgate_poll_failures_total", help: "Failed status polls.", labels: ["provider": kind.rawValue])
    }

    func providerCall(_ kind: ProviderKind, call: String, _ seconds: Double) {
        registry.observe(
            "pushgate_provider_call_duration_seconds",
            help: "Time of provider calls.",
            labels: ["provider": kind.rawValue, "call": call],
            seconds
        )
    }

    func cleanupFailure(_ kind: ProviderKind) {
        registry.increment(
            "pushgate_cleanup_failures_total",
            help: "Failed clean-up calls; each is retried with backoff.",
            labels: ["provider": kind.rawValue]
        )
    }

    /// In-flight runs whose workload the provider could not confirm in the last poll pass.
    func unconfirmedRuns(_ count: Int) {
        registry.replaceGauge(
            "pushgate_runs_unconfirmed",
            help: "In-flight runs whose workload state the provider could not confirm; they keep their slot.",
            series: [[:]: Double(count)]
        )
    }

    func transition(to state: RunState) {
        registry.increment(
            "pushgate_run_transitions_total",
            help: "Run state transitions recorded by the poller.",
            labels: ["state": state.displayName]
        )
    }

    /// The scrape-time gauges, recomputed from the store: runs per non-terminal state, queue depth, queue status.
    func runGauges(byState: [MetricsRegistry.Labels: Double], queueDepth: [MetricsRegistry.Labels: Double]) {
        registry.replaceGauge("pushgate_runs", help: "Runs in each non-terminal state.", series: byState)
        registry.replaceGauge("pushgate_queue_depth", help: "Scheduled and late runs waiting in each queue.", series: queueDepth)
    }

    func queueStatuses(_ series: [MetricsRegistry.Labels: Double]) {
        registry.replaceGauge("pushgate_queue_status", help: "1 for each queue's current status.", series: series)
    }
}
