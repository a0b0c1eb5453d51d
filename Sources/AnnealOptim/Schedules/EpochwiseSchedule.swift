/// A schedule written in epochs, evaluated per step: update t gets the wrapped
/// rate of epoch ⌊t / stepsPerEpoch⌋, so the rate only changes at epoch
/// boundaries, as with a PyTorch scheduler stepped once per epoch.
public struct EpochwiseSchedule: LearningRateSchedule {
    public let stepsPerEpoch: Int
    public private(set) var wrapped: any LearningRateSchedule

    public init(stepsPerEpoch: Int, wrapping wrapped: any LearningRateSchedule) {
        precondition(stepsPerEpoch > 0, "EpochwiseSchedule: stepsPerEpoch must be positive, got \(stepsPerEpoch)")
        self.stepsPerEpoch = stepsPerEpoch
        self.wrapped = wrapped
    }

    public func lr(_ step: Int) -> Float { wrapped.lr(max(0, step) / stepsPerEpoch) }
    public var monitorsMetric: Bool { wrapped.monitorsMetric }
    public mutating func observe(metric: Double, step: Int) { wrapped.observe(metric: metric, step: step / stepsPerEpoch) }
    public var state: ScheduleState { .wrapping(wrapped.state) }

    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "EpochwiseSchedule's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
