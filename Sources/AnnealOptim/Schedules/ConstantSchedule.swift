/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public let rate: Float

    public init(_ rate: Float) {
        precondition(rate >= 0 && rate.isFinite, "ConstantSchedule: learning rate must be finite and ≥ 0, got \(rate)")
        self.rate = rate
    }

    public func lr(_ step: Int) -> Float { rate }
}
