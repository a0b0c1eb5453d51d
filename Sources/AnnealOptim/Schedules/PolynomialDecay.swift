import Foundation

/// Polynomial decay (a₀ − final)·(1 − t/T)^power + final for t < T, then
/// `final` (TensorFlow's `PolynomialDecay`; PyTorch's `PolynomialLR` with final 0;
/// power 1 is linear decay, 0.9 is the segmentation "poly" schedule).
public struct PolynomialDecay: LearningRateSchedule {
    public let initial: Float
    public let final: Float
    public let totalSteps: Int
    public let power: Float

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

    public func lr(_ step: Int) -> Float {
        let remaining = 1 - Double(min(max(0, step), totalSteps)) / Double(totalSteps)
        return Float((Double(initial) - Double(final)) * pow(remaining, Double(power)) + Double(final))
    }
}
