import Foundation

/// A warmup ramp in front of any schedule, reduce-on-plateau included: for the
/// first `steps` updates the wrapped rate is multiplied by a factor that grows
/// from `startFactor` to 1, linearly (s + (1 − s)·t/W) or exponentially
/// (s^(1 − t/W), a constant ratio per step); afterwards the wrapped schedule runs
/// alone.
///
/// `clock` says what step the wrapped schedule sees. `.shared`: the same step,
/// so milestones stay absolute (Goyal et al.'s step decay at epochs 30/60/80
/// after a 5-epoch warmup) and the ramp ends at the wrapped rate of step W.
/// `.afterWarmup`: the wrapped schedule starts when warmup ends (its step 0 is
/// update W; during warmup the ramp targets its step-0 rate), so a cosine over
/// the remaining steps peaks right after warmup, as in most "cosine with warmup"
/// recipes. Metrics seen before warmup ends are not passed on, so a plateau's
/// patience starts counting after warmup instead of punishing the slow start.
public struct Warmup: LearningRateSchedule {
    /// How the ramp's factor grows from `startFactor` to 1.
    public enum Shape: String, Sendable, CaseIterable, Codable {
        /// `linear`: s + (1 − s)·t/W; `exponential`: s^(1 − t/W), a constant ratio per step.
        case linear, exponential
    }

    /// Which step the wrapped schedule sees (see the type's discussion).
    public enum Clock: String, Sendable, CaseIterable {
        /// `shared`: the same step as the ramp; `afterWarmup`: steps counted from the end of warmup.
        case shared, afterWarmup
    }

    /// The factor at step 0 unless given: small, but not 0, so no update is wasted.
    public static let defaultStartFactor: Float = 0.01

    /// W, the optimizer steps the ramp lasts (0: no ramp).
    public let steps: Int
    /// The ramp's curve (default `.linear`).
    public let shape: Shape
    /// s, the factor at step 0: in 0...1 for the linear shape, (0, 1] for the exponential.
    public let startFactor: Float
    /// The step the wrapped schedule sees (default `.shared`).
    public let clock: Clock
    /// The schedule behind the ramp.
    public private(set) var wrapped: any LearningRateSchedule

    /// Puts a ramp of `steps` optimizer steps (≥ 0) in front of `wrapped`.
    public init(steps: Int, shape: Shape = .linear, startFactor: Float = Warmup.defaultStartFactor,
                clock: Clock = .shared, wrapping wrapped: any LearningRateSchedule) {
        precondition(steps >= 0, "Warmup: steps must be ≥ 0, got \(steps)")
        switch shape {
        case .linear:
            precondition(startFactor >= 0 && startFactor <= 1, "Warmup: linear startFactor must be in 0...1, got \(startFactor)")
        case .exponential:
            precondition(startFactor > 0 && startFactor <= 1, "Warmup: exponential startFactor must be in (0, 1], got \(startFactor)")
        }
        self.steps = steps
        self.shape = shape
        self.startFactor = startFactor
        self.clock = clock
        self.wrapped = wrapped
    }

    /// The ramp's factor at `step` (1 from step W on).
    public func factor(_ step: Int) -> Double {
        guard step < steps else { return 1 }
        let s = Double(startFactor), fraction = Double(max(0, step)) / Double(steps)
        switch shape {
        case .linear: return s + (1 - s) * fraction
        case .exponential: return pow(s, 1 - fraction)
        }
    }

    /// The step the wrapped schedule sees.
    public func innerStep(_ step: Int) -> Int { clock == .shared ? step : max(0, step - steps) }

    /// The wrapped rate at `innerStep(step)` times the ramp's `factor(step)`.
    public func lr(_ step: Int) -> Float { Float(Double(wrapped.lr(innerStep(step))) * factor(step)) }

    /// Whether the wrapped schedule monitors a metric.
    public var monitorsMetric: Bool { wrapped.monitorsMetric }

    /// Passes `metric` on, at `innerStep(step)`, once warmup is over (`step` ≥
    /// `steps`); metrics seen earlier are dropped.
    public mutating func observe(metric: Double, step: Int) {
        guard step >= steps else { return }
        wrapped.observe(metric: metric, step: innerStep(step))
    }

    /// The wrapped schedule's state, as `.wrapping`.
    public var state: ScheduleState { .wrapping(wrapped.state) }

    /// Restores the wrapped schedule from a `.wrapping` state; throws
    /// `ScheduleStateMismatch` for any other.
    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "Warmup's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
