/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    /// The learning rate of every step.
    public let rate: Float

    /// A schedule that always gives `rate` (finite and ≥ 0).
    public init(_ rate: Float) {
        precondition(rate >= 0 && rate.isFinite, "ConstantSchedule: learning rate must be finite and ≥ 0, got \(rate)")
        self.rate = rate
    }

    /// `rate`, whatever the step.
    public func lr(_ step: Int) -> Float { rate }
}
