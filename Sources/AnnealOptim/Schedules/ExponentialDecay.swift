import Foundation

/// Exponential decay a₀·γ^(t/k): by `decayRate` every `decaySteps` steps, smoothly
/// or (staircase) in whole steps of k. γ per step is PyTorch's `ExponentialLR`
/// stepped per batch; `perEpoch` gives its usual once-per-epoch form.
public struct ExponentialDecay: LearningRateSchedule {
    /// a₀, the rate at step 0.
    public let initial: Float
    /// γ, the factor applied once every `decaySteps` steps (positive; below 1 decays).
    public let decayRate: Float
    /// k, the optimizer steps over which the rate is multiplied by γ once (default 1).
    public let decaySteps: Int
    /// Whether t/k is rounded down, so the rate only changes every k steps.
    public let staircase: Bool

    /// a₀·γ^(t/k) with `initial` a₀, `decayRate` γ and `decaySteps` k.
    public init(initial: Float, decayRate: Float, decaySteps: Int = 1, staircase: Bool = false) {
        precondition(initial >= 0 && initial.isFinite, "ExponentialDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(decayRate > 0 && decayRate.isFinite, "ExponentialDecay: decayRate must be positive, got \(decayRate)")
        precondition(decaySteps > 0, "ExponentialDecay: decaySteps must be positive, got \(decaySteps)")
        self.initial = initial
        self.decayRate = decayRate
        self.decaySteps = decaySteps
        self.staircase = staircase
    }

    /// Multiplies by `gamma` once per epoch; smooth within the epoch unless `staircase`.
    public static func perEpoch(initial: Float, gamma: Float, stepsPerEpoch: Int, staircase: Bool = false) -> ExponentialDecay {
        ExponentialDecay(initial: initial, decayRate: gamma, decaySteps: stepsPerEpoch, staircase: staircase)
    }

    /// a₀·γ^(t/k) at step t (negative steps count as 0), t/k rounded down with `staircase`.
    public func lr(_ step: Int) -> Float {
        let t = Double(max(0, step))
        let exponent = staircase ? (t / Double(decaySteps)).rounded(.down) : t / Double(decaySteps)
        return Float(Double(initial) * pow(Double(decayRate), exponent))
    }
}
