/// The memory of a schedule, mirroring how it is composed: closed-form schedules
/// are `stateless` (their step count lives with the caller), reduce-on-plateau
/// keeps its counters, wrappers nest their inner state. `Codable` so checkpoints
/// can carry it (as JSON, say); the schedule's settings are not in it: rebuild the
/// schedule the same way, then `restore` the state.
public indirect enum ScheduleState: Codable, Equatable, Sendable {
    /// A closed-form schedule: nothing beyond the step count.
    case stateless
    /// Reduce-on-plateau's rate, best metric and counters.
    case plateau(ReduceOnPlateau.State)
    /// A wrapper (`Warmup`, `ScaledSchedule`, `EpochwiseSchedule`) around a schedule with this state.
    case wrapping(ScheduleState)
    /// A `ScheduleSequence`: each of its schedules' states, in order.
    case sequence([ScheduleState])
}

/// A saved `ScheduleState` that does not fit the schedule it is restored into.
public struct ScheduleStateMismatch: Error, CustomStringConvertible {
    /// The state the schedule accepts, in words.
    public let expected: String
    /// The state that was offered.
    public let found: ScheduleState

    /// A mismatch between the state described by `expected` and the one `found`.
    public init(expected: String, found: ScheduleState) {
        self.expected = expected
        self.found = found
    }

    /// One line naming the expected and the found state.
    public var description: String { "schedule state does not fit: expected \(expected), found \(found)" }
}
