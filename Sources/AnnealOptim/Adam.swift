import AnnealNN
import Foundation

/// Adam with bias correction and optional AMSGrad, as `torch.optim.Adam`;
/// weight decay is the coupled L2 penalty (added to the gradient). `AdamW`
/// is the same update with decoupled decay.
///
///     g ← g + λ·p                        (Adam)      p ← p·(1 − lr·λ)   (AdamW)
///     m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
///     v̂ ← max(v̂, v) (AMSGrad, else v̂ = v)
///     p ← p − lr/(1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + ε)
public class Adam: Optimizer {
    /// Whether to divide by the running maximum of the second moment (AMSGrad)
    /// instead of its current value.
    public let amsgrad: Bool
    /// AdamW's decay: applied to the weights, not added to the gradient.
    public let decoupledWeightDecay: Bool

    /// Creates an Adam optimizer with `torch.optim.Adam`'s defaults; weight decay
    /// is the L2 penalty added to the gradient (`AdamW` decouples it).
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The step size lr of each optimizer step.
    ///   - betas: Decay rates (β1, β2) of the first- and second-moment averages.
    ///   - eps: Term added to the denominator for numerical stability.
    ///   - weightDecay: L2 penalty λ added to the gradient.
    ///   - amsgrad: Whether to divide by the running maximum of the second moment (AMSGrad).
    public convenience init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-3,
                            betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                            weightDecay: Float = 0, amsgrad: Bool = false) {
        self.init(parameters, learningRate: learningRate, betas: betas, eps: eps,
                  weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: false)
    }

    init(_ parameters: some ParameterGroupsConvertible, learningRate: Float, betas: (Float, Float),
         eps: Float, weightDecay: Float, amsgrad: Bool, decoupledWeightDecay: Bool) {
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, betas: betas, eps: eps))
    }

    /// `"exp_avg"` and `"exp_avg_sq"` (the moment averages m and v), plus
    /// `"max_exp_avg_sq"` (v̂) with AMSGrad.
    public override func slotNames(for h: Hyperparameters) -> [String] {
        amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
    }

    /// One bias-corrected Adam (or AdamW) update in place (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        // Scalars in Double (as PyTorch computes them in Python), rounded once.
        let t = Double(u.step)
        let decoupled = decoupledWeightDecay, amsgrad = self.amsgrad
        let kernel = AdamKernel(
            p: u.value, g: u.gradient, m: u.slot("exp_avg"), v: u.slot("exp_avg_sq"),
            vMax: amsgrad ? u.slot("max_exp_avg_sq") : u.slot("exp_avg_sq"),
            beta1: h.betas.0, beta2: h.betas.1, eps: h.eps,
            stepSize: Float(Double(h.learningRate) / (1 - pow(Double(h.betas.0), t))),
            correction2: Float(sqrt(1 - pow(Double(h.betas.1), t))),
            l2: decoupled ? 0 : h.weightDecay, shrink: decoupled ? 1 - h.learningRate * h.weightDecay : 1)
        u.forEachChunk { range in
            // A constant flag per call lets each variant's loop vectorize.
            if amsgrad { kernel(range, amsgrad: true) } else { kernel(range, amsgrad: false) }
        }
    }
}

/// Adam's elementwise update over one chunk.
struct AdamKernel {
    let p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>
    let beta1: Float, beta2: Float, eps: Float, stepSize: Float, correction2: Float, l2: Float, shrink: Float

    @inline(__always)
    func callAsFunction(_ range: Range<Int>, amsgrad: Bool) {
        for i in range {
            let pi = p[i]
            let gi = g[i] + l2 * pi
            let mi = m[i] + (1 - beta1) * (gi - m[i])
            let vi = beta2 * v[i] + (1 - beta2) * gi * gi
            m[i] = mi
            v[i] = vi
            var vHat = vi
            if amsgrad {
                vHat = max(vMax[i], vi)
                vMax[i] = vHat
            }
            // max(·, 0) changes nothing (v ≥ 0) but proves the sqrt cannot set
            // errno, so Linux's sqrtf call becomes a vectorizable instruction.
            p[i] = pi * shrink - stepSize * (mi / (max(vHat, 0).squareRoot() / correction2 + eps))
        }
    }
}
