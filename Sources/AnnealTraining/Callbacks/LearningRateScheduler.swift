import AnnealOptim

/// Drives `optimizer.learningRate` from a schedule: before every update it sets
/// the rate of the schedule's current step (at epoch begin too, so the epoch
/// record shows the rate its first step used), counts the step after the update,
/// and feeds metric-driven schedules the monitored metric at each epoch end.
///
/// The step counter and the schedule's state are this callback's whole memory:
/// put `state` in a checkpoint and `restore` it into a scheduler built the same
/// way, and the rates continue exactly where they stopped (no restart of the
/// warmup, no jump).
public final class LearningRateScheduler: StatefulCallback {
    /// The scheduler's position, saved in a checkpoint so that a resumed run continues the same rates.
    public struct State: Codable, Equatable, Sendable {
        /// Updates made under the scheduler (its `step`).
        public var step: Int
        /// The schedule's own memory (`.stateless` for closed-form schedules; reduce-on-plateau's counters).
        public var schedule: ScheduleState

        /// A state from its parts.
        public init(step: Int, schedule: ScheduleState) {
            self.step = step
            self.schedule = schedule
        }
    }

    /// The schedule giving the rate for each optimizer step (its state changes as metric-driven schedules observe).
    public private(set) var schedule: any LearningRateSchedule
    /// The epoch metric fed to metric-driven schedules (reduce-on-plateau) at each epoch end.
    public let monitor: MonitoredMetric
    /// Updates made under this scheduler: the schedule's clock.
    public private(set) var step: Int

    /// Drives the rate from `schedule`, starting at optimizer step `step` (≥ 0; 0 for a new run).
    public init(_ schedule: any LearningRateSchedule, monitor: MonitoredMetric = .loss, step: Int = 0) {
        precondition(step >= 0, "LearningRateScheduler: step must be ≥ 0, got \(step)")
        self.schedule = schedule
        self.monitor = monitor
        self.step = step
    }

    /// The rate the next update will use.
    public var currentRate: Float { schedule.lr(step) }

    /// The step counter and the schedule's state now, for a checkpoint.
    public var state: State { State(step: step, schedule: schedule.state) }

    /// Continues from a saved `state`; throws (changing nothing) if it does not fit.
    public func restore(_ state: State) throws {
        guard state.step >= 0 else { throw ScheduleStateMismatch(expected: "a step ≥ 0", found: state.schedule) }
        var restored = schedule
        try restored.restore(state.schedule)
        schedule = restored
        step = state.step
    }

    /// Sets the optimizer's rate at `epochBegin` and `batchBegin`, counts the step at
    /// `batchEnd`, and passes `monitor` to a metric-driven schedule at `epochEnd`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) {
        switch event {
        case .epochBegin, .batchBegin:
            trainer.optimizer.learningRate = schedule.lr(step)
        case .batchEnd:
            step += 1
        case .epochEnd(let record) where schedule.monitorsMetric:
            schedule.observe(metric: monitor.value(in: record), step: step)
        default:
            break
        }
    }

    /// The key of this callback's state in a checkpoint: `scheduler`.
    public var stateKey: String { "scheduler" }

    /// `state` as JSON (no tensors).
    public func saveState() throws -> CallbackState { try CallbackState(state) }

    /// Decodes a saved `State` and `restore`s it; throws when it does not fit the schedule.
    public func restoreState(_ saved: CallbackState, trainer: Trainer) throws { try restore(saved.decode(State.self)) }
}
