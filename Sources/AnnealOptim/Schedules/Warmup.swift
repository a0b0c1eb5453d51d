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
    public enum Shape: String, Sendable, CaseIterable, Codable {
        case linear, exponential
    }

    public enum Clock: String, Sendable, CaseIterable {
        case shared, afterWarmup
    }

    /// The factor at step 0 unless given: small, but not 0, so no update is wasted.
    public static let defaultStartFactor: Float = 0.01

    public let steps: Int
    public let shape: Shape
    public let startFactor: Float
    public let clock: Clock
    public private(set) var wrapped: any LearningRateSchedule

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

    public func lr(_ step: Int) -> Float { Float(Double(wrapped.lr(innerStep(step))) * factor(step)) }

    public var monitorsMetric: Bool { wrapped.monitorsMetric }

    public mutating func observe(metric: Double, step: Int) {
        guard step >= steps else { return }
        wrapped.observe(metric: metric, step: innerStep(step))
    }

    public var state: ScheduleState { .wrapping(wrapped.state) }

    public mutating func restore(_ state: ScheduleState) throws {
        guard case .wrapping(let inner) = state else { throw ScheduleStateMismatch(expected: "Warmup's wrapping state", found: state) }
        try wrapped.restore(inner)
    }
}
