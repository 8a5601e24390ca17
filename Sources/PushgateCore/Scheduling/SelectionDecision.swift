/// The policy's verdict on one candidate.
package struct SelectionDecision: Sendable, Hashable {
    package enum Verdict: Sendable, Hashable {
        /// Goes in this claim, at this position.
        case next
        case held(HoldReason)
    }

    package var candidate: SelectionCandidate
    package var verdict: Verdict

    package init(candidate: SelectionCandidate, verdict: Verdict) {
        self.candidate = candidate
        self.verdict = verdict
    }

    package var holdReason: HoldReason? {
        if case .held(let reason) = verdict { return reason }
        return nil
    }
}
