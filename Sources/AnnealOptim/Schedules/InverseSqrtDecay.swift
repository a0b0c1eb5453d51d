import Foundation

/// Inverse square root decay a_t = a₀·√(τ / (t + τ)).
///
/// The notes' a₀/√t is infinite at step 0; the offset τ ("timescale", default 1)
/// fixes that: with τ = 1 the rate of 0-based step t is a₀/√(t + 1), i.e. a₀/√n
/// for the n-th update counted from 1, starting at exactly a₀. Behind a warmup of
/// W steps with `.afterWarmup` clock and τ = W it is the Transformer's schedule:
/// a₀ at the end of warmup, a₀·√(W/t) afterwards.
public struct InverseSqrtDecay: LearningRateSchedule {
    /// a₀, the rate at step 0.
    public let initial: Float
    /// τ, the step offset (default 1): the rate is halved at step 3τ.
    public let timescale: Int

    /// a₀·√(τ / (t + τ)) with `initial` a₀ and `timescale` τ (positive).
    public init(initial: Float, timescale: Int = 1) {
        precondition(initial >= 0 && initial.isFinite, "InverseSqrtDecay: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(timescale > 0, "InverseSqrtDecay: timescale must be positive, got \(timescale)")
        self.initial = initial
        self.timescale = timescale
    }

    /// a₀·√(τ / (t + τ)) at step t (negative steps count as 0).
    public func lr(_ step: Int) -> Float {
        let tau = Double(timescale)
        return Float(Double(initial) * (tau / (Double(max(0, step)) + tau)).squareRoot())
    }
}
