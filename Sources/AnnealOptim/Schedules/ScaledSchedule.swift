/// A schedule times a constant factor (the linear scaling rule's k, or a
/// per-run multiplier), passing metrics and state through.
public struct ScaledSchedule: LearningRateSchedule {
    /// The constant multiplier (finite and ≥ 0).
    public let factor: Float
    /// The schedule being scaled.
    public private(set) var wrapped: any LearningRateSchedule

    /// `wrapped`'s rates times `factor`.
    public init(factor: Float, wrapping wrapped: any LearningRateSchedule) {
        precondition(factor >= 0 && factor.isFinite, "ScaledSchedule: factor must be finite and ≥ 0, got \(factor)")
        self.factor = factor
        self.wrapped = wrapped
    }

    /// `factor` times the wrapped rate of `step`.
    public func lr(_ step: Int) -> Float { factor * wrapped.lr(step) }
    /// Whether the wrapped schedule monitors a metric.
    public var monitorsMetric: Bool { wrapped.monitorsMetric }
    /// Passes `metric` and `step` to the wrapped schedule unchanged.
    public mutating func observe(metric: Double, step: Int) { wrapped.observe(metric: metric, step: step) }
    /// The wrapped schedule's state, as `.wrapping`.
    public var state: ScheduleState { .wrapping(wrapped.state) }

    /// Restores the wrapped schedule from a `.wrapping` state; throws
    /// `ScheduleStateMismatch` for any other.
    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "ScaledSchedule's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
