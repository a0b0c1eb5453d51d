import Foundation

/// Cosine annealing with an optional floor:
/// a_t = floor + ½(a₀ − floor)(1 + cos(πt/T)) for t < T, then `floor`
/// (with floor 0 this is the notes' ½·a₀·(1 + cos(tπ/T))).
public struct CosineDecay: LearningRateSchedule {
    /// a₀, the rate at step 0.
    public let initial: Float
    /// T, the optimizer steps the decay lasts; from step T on the rate is `floor`.
    public let totalSteps: Int
    /// The rate reached at step T and kept afterwards (default 0).
    public let floor: Float

    /// Anneals from `initial` to `floor` over `totalSteps` (positive) optimizer
    /// steps; requires 0 ≤ `floor` ≤ `initial`.
    public init(initial: Float, totalSteps: Int, floor: Float = 0) {
        precondition(initial >= 0 && initial.isFinite, "CosineDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(totalSteps > 0, "CosineDecay: totalSteps must be positive, got \(totalSteps)")
        precondition(floor >= 0 && floor <= initial, "CosineDecay: floor must be in 0...\(initial), got \(floor)")
        self.initial = initial
        self.totalSteps = totalSteps
        self.floor = floor
    }

    /// The annealed rate of `step`, with `step` clamped to 0...T.
    public func lr(_ step: Int) -> Float {
        Float(CosineDecay.anneal(from: Double(initial), to: Double(floor),
                                 fraction: Double(min(max(0, step), totalSteps)) / Double(totalSteps)))
    }

    /// Half a cosine from `start` (fraction 0) to `end` (fraction 1).
    static func anneal(from start: Double, to end: Double, fraction: Double) -> Double {
        end + 0.5 * (start - end) * (1 + cos(Double.pi * fraction))
    }
}
