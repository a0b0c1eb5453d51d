/// A straight line from a₀ at step 0 to `final` at step T, then `final`.
public struct LinearDecay: LearningRateSchedule {
    /// a₀, the rate at step 0.
    public let initial: Float
    /// The rate at step T and after (default 0).
    public let final: Float
    /// T, the optimizer steps the line spans.
    public let totalSteps: Int

    /// A line from `initial` to `final` over `totalSteps` (positive) optimizer
    /// steps; both rates finite and ≥ 0.
    public init(initial: Float, final: Float = 0, totalSteps: Int) {
        precondition(initial >= 0 && initial.isFinite, "LinearDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(final >= 0 && final.isFinite, "LinearDecay: final rate must be finite and ≥ 0, got \(final)")
        precondition(totalSteps > 0, "LinearDecay: totalSteps must be positive, got \(totalSteps)")
        self.initial = initial
        self.final = final
        self.totalSteps = totalSteps
    }

    /// The rate on the line at `step`, with `step` clamped to 0...T.
    public func lr(_ step: Int) -> Float {
        let fraction = Double(min(max(0, step), totalSteps)) / Double(totalSteps)
        return Float(Double(initial) + (Double(final) - Double(initial)) * fraction)
    }
}
