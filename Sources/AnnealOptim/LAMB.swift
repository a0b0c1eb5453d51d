import AnnealNN
import Foundation

/// Layer-wise adaptive moments (You et al. 2019, algorithm 2): Adam's direction
/// plus decoupled weight decay, with each tensor's step scaled by its trust ratio,
/// for large batches:
///
///     m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
///     r ← (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε) + λ·p
///     p ← p − lr · (‖p‖ / ‖r‖) · r            (ratio 1 when a norm is 0)
public final class LAMB: Optimizer {
    /// Creates a LAMB optimizer.
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The step size lr of each optimizer step, before the trust ratio.
    ///   - betas: Decay rates (β1, β2) of the first- and second-moment averages.
    ///   - eps: Term added to the denominator for numerical stability (default 1e-6).
    ///   - weightDecay: Decoupled decay λ: λ·p is added to the update direction, not to the gradient.
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-3,
                betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-6, weightDecay: Float = 0) {
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, betas: betas, eps: eps))
    }

    /// `"exp_avg"` and `"exp_avg_sq"`: the moment averages m and v.
    public override func slotNames(for h: Hyperparameters) -> [String] { ["exp_avg", "exp_avg_sq"] }

    /// One LAMB update in place: the direction r over the whole tensor, then a
    /// step scaled by the tensor's trust ratio (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let p = u.value, g = u.gradient, m = u.slot("exp_avg"), v = u.slot("exp_avg_sq")
        let h = u.hyperparameters, (beta1, beta2) = h.betas, eps = h.eps, decay = h.weightDecay
        let t = Double(u.step)
        let correction1 = Float(1 - pow(Double(beta1), t)), correction2 = Float(1 - pow(Double(beta2), t))
        // The update direction r first (kept in the gradient's place would need a copy: compute twice instead).
        var r = [Float](repeating: 0, count: u.count)
        r.withUnsafeMutableBufferPointer { r in
            u.forEachChunk { range in
                for i in range {
                    let mi = beta1 * m[i] + (1 - beta1) * g[i]
                    let vi = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                    m[i] = mi
                    v[i] = vi
                    r[i] = (mi / correction1) / ((max(vi, 0) / correction2).squareRoot() + eps) + decay * p[i]
                }
            }
            let ratio = Float(LayerwiseTrustRatio.ratio(weightNorm: LayerwiseTrustRatio.norm(p, count: u.count),
                                                        updateNorm: LayerwiseTrustRatio.norm(r.baseAddress!, count: u.count)))
            let step = h.learningRate * ratio
            u.forEachChunk { range in
                for i in range { p[i] -= step * r[i] }
            }
        }
    }
}
