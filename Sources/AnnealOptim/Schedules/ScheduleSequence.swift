/// Schedules one after another (PyTorch's `SequentialLR`): schedule i runs from
/// `milestones[i-1]` (0 for the first) and counts its steps from there.
/// Metrics go to the schedule running at the time.
public struct ScheduleSequence: LearningRateSchedule {
    /// The schedules, in the order they run.
    public private(set) var schedules: [any LearningRateSchedule]
    /// The optimizer steps at which each schedule after the first takes over
    /// (positive, increasing; one fewer than the schedules).
    public let milestones: [Int]

    /// Runs `schedules` one after another, switching at `milestones`; needs one
    /// milestone fewer than schedules.
    public init(_ schedules: [any LearningRateSchedule], milestones: [Int]) {
        precondition(!schedules.isEmpty, "ScheduleSequence: no schedules")
        precondition(milestones.count == schedules.count - 1,
                     "ScheduleSequence: \(schedules.count) schedules need \(schedules.count - 1) milestones, got \(milestones.count)")
        precondition(zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 } && milestones.allSatisfy { $0 > 0 },
                     "ScheduleSequence: milestones must be positive and increasing, got \(milestones)")
        self.schedules = schedules
        self.milestones = milestones
    }

    /// (index of the running schedule, its own step) at `step`.
    public func position(at step: Int) -> (index: Int, step: Int) {
        let index = milestones.reduce(0) { $0 + ($1 <= step ? 1 : 0) }
        return (index, step - (index == 0 ? 0 : milestones[index - 1]))
    }

    /// The rate of the schedule running at `step`, at its own step (counted from its milestone).
    public func lr(_ step: Int) -> Float {
        let (index, local) = position(at: step)
        return schedules[index].lr(local)
    }

    /// Whether any of the schedules monitors a metric.
    public var monitorsMetric: Bool { schedules.contains { $0.monitorsMetric } }

    /// Passes `metric` to the schedule running at `step`, with its own step.
    public mutating func observe(metric: Double, step: Int) {
        let (index, local) = position(at: step)
        schedules[index].observe(metric: metric, step: local)
    }

    /// Every schedule's state, in order, as `.sequence`.
    public var state: ScheduleState { .sequence(schedules.map(\.state)) }

    /// Restores every schedule from a `.sequence` with one state per schedule;
    /// throws `ScheduleStateMismatch`, changing nothing, when any part does not fit.
    public mutating func restore(_ state: ScheduleState) throws {
        guard case .sequence(let parts) = state, parts.count == schedules.count else {
            throw ScheduleStateMismatch(expected: "a sequence of \(schedules.count) states", found: state)
        }
        var restored = schedules
        for i in restored.indices { try restored[i].restore(parts[i]) }
        schedules = restored
    }
}
