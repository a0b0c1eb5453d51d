/// A schedule written in epochs, evaluated per step: update t gets the wrapped
/// rate of epoch ⌊t / stepsPerEpoch⌋, so the rate only changes at epoch
/// boundaries, as with a PyTorch scheduler stepped once per epoch.
public struct EpochwiseSchedule: LearningRateSchedule {
    /// Optimizer steps per epoch: the divisor that turns steps into epochs.
    public let stepsPerEpoch: Int
    /// The schedule written in epochs; its `lr` receives epoch numbers.
    public private(set) var wrapped: any LearningRateSchedule

    /// Evaluates `wrapped` at each step's epoch; `stepsPerEpoch` must be positive.
    public init(stepsPerEpoch: Int, wrapping wrapped: any LearningRateSchedule) {
        precondition(stepsPerEpoch > 0, "EpochwiseSchedule: stepsPerEpoch must be positive, got \(stepsPerEpoch)")
        self.stepsPerEpoch = stepsPerEpoch
        self.wrapped = wrapped
    }

    /// The wrapped rate of epoch ⌊step / stepsPerEpoch⌋ (negative steps count as 0).
    public func lr(_ step: Int) -> Float { wrapped.lr(max(0, step) / stepsPerEpoch) }
    /// Whether the wrapped schedule monitors a metric.
    public var monitorsMetric: Bool { wrapped.monitorsMetric }
    /// Passes `metric` on, with `step` converted to whole epochs.
    public mutating func observe(metric: Double, step: Int) { wrapped.observe(metric: metric, step: step / stepsPerEpoch) }
    /// The wrapped schedule's state, as `.wrapping`.
    public var state: ScheduleState { .wrapping(wrapped.state) }

    /// Restores the wrapped schedule from a `.wrapping` state; throws
    /// `ScheduleStateMismatch` for any other.
    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "EpochwiseSchedule's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
