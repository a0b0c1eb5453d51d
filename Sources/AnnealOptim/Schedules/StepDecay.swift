import Foundation

/// Step decay: a₀·γⁿ where n is the number of milestones reached (PyTorch's
/// `MultiStepLR`), or n = ⌊t / period⌋ for a fixed period (`StepLR`).
public struct StepDecay: LearningRateSchedule {
    /// Where the decays fall: at listed optimizer steps or at a fixed period.
    public enum Boundaries: Sendable, Equatable {
        /// Sorted steps at which the rate is multiplied by γ (from that step on).
        case milestones([Int])
        /// A decay every this many steps: n = ⌊t / period⌋.
        case every(Int)
    }

    /// a₀, the rate before the first decay.
    public let initial: Float
    /// γ, the factor applied at each boundary (positive; default 0.1).
    public let gamma: Float
    /// Where the decays fall.
    public let boundaries: Boundaries

    /// Decays by `gamma` at each of `milestones` (optimizer steps).
    public init(initial: Float, milestones: [Int], gamma: Float = 0.1) {
        precondition(milestones.allSatisfy { $0 >= 0 }, "StepDecay: milestones must be ≥ 0, got \(milestones)")
        self.init(initial: initial, gamma: gamma, boundaries: .milestones(milestones.sorted()))
    }

    /// Decays by `gamma` at each of `milestoneEpochs`, converted to steps
    /// (epoch e starts at step e·stepsPerEpoch).
    public init(initial: Float, milestoneEpochs: [Int], stepsPerEpoch: Int, gamma: Float = 0.1) {
        precondition(stepsPerEpoch > 0, "StepDecay: stepsPerEpoch must be positive, got \(stepsPerEpoch)")
        self.init(initial: initial, milestones: milestoneEpochs.map { $0 * stepsPerEpoch }, gamma: gamma)
    }

    /// Decays by `gamma` every `period` steps.
    public init(initial: Float, every period: Int, gamma: Float = 0.1) {
        precondition(period > 0, "StepDecay: period must be positive, got \(period)")
        self.init(initial: initial, gamma: gamma, boundaries: .every(period))
    }

    private init(initial: Float, gamma: Float, boundaries: Boundaries) {
        precondition(initial >= 0 && initial.isFinite, "StepDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(gamma > 0 && gamma.isFinite, "StepDecay: gamma must be positive, got \(gamma)")
        self.initial = initial
        self.gamma = gamma
        self.boundaries = boundaries
    }

    /// Decays applied by `step`.
    public func decays(at step: Int) -> Int {
        switch boundaries {
        case .milestones(let m): return m.reduce(0) { $0 + ($1 <= step ? 1 : 0) }
        case .every(let period): return max(0, step) / period
        }
    }

    /// a₀·γⁿ, with n the decays applied by `step`.
    public func lr(_ step: Int) -> Float {
        Float(Double(initial) * pow(Double(gamma), Double(decays(at: step))))
    }
}
