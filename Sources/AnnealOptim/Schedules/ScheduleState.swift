/// The memory of a schedule, mirroring how it is composed: closed-form schedules
/// are `stateless` (their step count lives with the caller), reduce-on-plateau
/// keeps its counters, wrappers nest their inner state. `Codable` so checkpoints
/// can carry it (as JSON, say); the schedule's settings are not in it: rebuild the
/// schedule the same way, then `restore` the state.
public indirect enum ScheduleState: Codable, Equatable, Sendable {
    case stateless
    case plateau(ReduceOnPlateau.State)
    case wrapping(ScheduleState)
    case sequence([ScheduleState])
}

/// A saved `ScheduleState` that does not fit the schedule it is restored into.
public struct ScheduleStateMismatch: Error, CustomStringConvertible {
    public let expected: String
    public let found: ScheduleState

    public init(expected: String, found: ScheduleState) {
        self.expected = expected
        self.found = found
    }

    public var description: String { "schedule state does not fit: expected \(expected), found \(found)" }
}
