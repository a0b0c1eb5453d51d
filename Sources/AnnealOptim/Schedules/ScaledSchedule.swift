/// A schedule times a constant factor (the linear scaling rule's k, or a
/// per-run multiplier), passing metrics and state through.
public struct ScaledSchedule: LearningRateSchedule {
    public let factor: Float
    public private(set) var wrapped: any LearningRateSchedule

    public init(factor: Float, wrapping wrapped: any LearningRateSchedule) {
        precondition(factor >= 0 && factor.isFinite, "ScaledSchedule: factor must be finite and ≥ 0, got \(factor)")
        self.factor = factor
        self.wrapped = wrapped
    }

    public func lr(_ step: Int) -> Float { factor * wrapped.lr(step) }
    public var monitorsMetric: Bool { wrapped.monitorsMetric }
    public mutating func observe(metric: Double, step: Int) { wrapped.observe(metric: metric, step: step) }
    public var state: ScheduleState { .wrapping(wrapped.state) }

    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "ScaledSchedule's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
