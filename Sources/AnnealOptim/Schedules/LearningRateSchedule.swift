/// A learning rate as a function of the optimizer step: `lr(step)` is the rate of
/// update number `step` (0 = the first `optimizer.step()`).
///
/// Schedules are plain values. Closed-form ones are pure functions of the step,
/// so resuming only needs the step count; the one that reacts to metrics
/// (`ReduceOnPlateau`, or anything wrapping it) keeps its memory in `state`,
/// which is `Codable` so a checkpoint can carry it. Wrappers (`Warmup`,
/// `ScaledSchedule`, `EpochwiseSchedule`, `ScheduleSequence`) compose with any
/// schedule, reduce-on-plateau included.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate of update number `step` (0-based).
    func lr(_ step: Int) -> Float
    /// Whether `observe(metric:step:)` changes anything (reduce-on-plateau or a
    /// wrapper around one): the trainer callback only computes metrics for these.
    var monitorsMetric: Bool { get }
    /// Feeds the monitored metric at an epoch end; `step` is the number of updates
    /// done so far. Closed-form schedules ignore it.
    mutating func observe(metric: Double, step: Int)
    /// Everything beyond the step count that a resume needs.
    var state: ScheduleState { get }
    /// Puts back a `state` taken from a schedule built the same way; throws
    /// (changing nothing) when its structure does not fit this schedule.
    mutating func restore(_ state: ScheduleState) throws
}

extension LearningRateSchedule {
    /// False unless a schedule says otherwise: closed-form schedules ignore metrics.
    public var monitorsMetric: Bool { false }
    /// Does nothing unless a schedule says otherwise (closed-form schedules ignore metrics).
    public mutating func observe(metric: Double, step: Int) {}
    /// `.stateless` unless a schedule says otherwise: the step count is all a resume needs.
    public var state: ScheduleState { .stateless }
    /// Accepts only `.stateless` unless a schedule says otherwise; throws
    /// `ScheduleStateMismatch` for any other state.
    public mutating func restore(_ state: ScheduleState) throws {
        guard state == .stateless else { throw ScheduleStateMismatch(expected: "stateless \(Self.self)", found: state) }
    }

    /// The rates of `steps`, in order (previews, plots, tests).
    public func rates(_ steps: Range<Int>) -> [Float] { steps.map { lr($0) } }

    /// This schedule behind a warmup ramp (see `Warmup`).
    public func withWarmup(steps: Int, shape: Warmup.Shape = .linear, startFactor: Float = Warmup.defaultStartFactor,
                           clock: Warmup.Clock = .shared) -> Warmup {
        Warmup(steps: steps, shape: shape, startFactor: startFactor, clock: clock, wrapping: self)
    }

    /// This schedule times a constant factor.
    public func scaled(by factor: Float) -> ScaledSchedule { ScaledSchedule(factor: factor, wrapping: self) }

    /// This schedule read in epochs: the rate is constant within an epoch, as with
    /// PyTorch schedulers stepped once per epoch.
    public func epochwise(stepsPerEpoch: Int) -> EpochwiseSchedule {
        EpochwiseSchedule(stepsPerEpoch: stepsPerEpoch, wrapping: self)
    }
}
