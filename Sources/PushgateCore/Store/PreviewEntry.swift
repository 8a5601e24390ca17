/// One row of a pool preview: a run and what the policy would do with it now.
package struct PreviewEntry: Sendable, Hashable {
    package var run: FlowRun
    package var verdict: SelectionDecision.Verdict

    package init(run: FlowRun, verdict: SelectionDecision.Verdict) {
        self.run = run
        self.verdict = verdict
    }
}
