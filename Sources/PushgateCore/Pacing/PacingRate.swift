/// A sustained call rate with a burst allowance: one ``TokenBucket``'s parameters.
package struct PacingRate: Sendable, Equatable {
    package var perSecond: Double
    package var burst: Double

    package init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }
}
