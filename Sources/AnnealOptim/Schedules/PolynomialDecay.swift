import Foundation

/// Polynomial decay (a₀ − final)·(1 − t/T)^power + final for t < T, then
/// `final` (TensorFlow's `PolynomialDecay`; PyTorch's `PolynomialLR` with final 0;
/// power 1 is linear decay, 0.9 is the segmentation "poly" schedule).
public struct PolynomialDecay: LearningRateSchedule {
    /// a₀, the rate at step 0.
    public let initial: Float
    /// The rate at step T and after (default 0).
    public let final: Float
    /// T, the optimizer steps the decay lasts.
    public let totalSteps: Int
    /// The exponent of (1 − t/T) (positive; default 1, a straight line).
    public let power: Float

    /// Decays from `initial` to `final` over `totalSteps` (positive) optimizer
    /// steps along (1 − t/T)^`power`.
    public init(initial: Float, final: Float = 0, totalSteps: Int, power: Float = 1) {
        precondition(initial >= 0 && initial.isFinite, "PolynomialDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(final >= 0 && final.isFinite, "PolynomialDecay: final rate must be finite and ≥ 0, got \(final)")
        precondition(totalSteps > 0, "PolynomialDecay: totalSteps must be positive, got \(totalSteps)")
        precondition(power > 0 && power.isFinite, "PolynomialDecay: power must be positive, got \(power)")
        self.initial = initial
        self.final = final
        self.totalSteps = totalSteps
        self.power = power
    }

    /// The decayed rate of `step`, with `step` clamped to 0...T.
    public func lr(_ step: Int) -> Float {
        let remaining = 1 - Double(min(max(0, step), totalSteps)) / Double(totalSteps)
        return Float((Double(initial) - Double(final)) * pow(remaining, Double(power)) + Double(final))
    }
}
