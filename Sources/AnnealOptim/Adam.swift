import Foundation
import AnnealNN

/// Adam with bias correction and optional AMSGrad, as `torch.optim.Adam`;
/// weight decay is the coupled L2 penalty (added to the gradient). `AdamW`
/// is the same update with decoupled decay.
///
///     g ← g + λ·p                        (Adam)      p ← p·(1 − lr·λ)   (AdamW)
///     m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
///     v̂ ← max(v̂, v) (AMSGrad, else v̂ = v)
///     p ← p − lr/(1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + ε)
public class Adam: Optimizer {
    public let amsgrad: Bool
    /// AdamW's decay: applied to the weights, not added to the gradient.
    public let decoupledWeightDecay: Bool

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

    public override func slotNames(for h: Hyperparameters) -> [String] {
        amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
    }

    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        let p = u.value, g = u.gradient, m = u.slot("exp_avg"), v = u.slot("exp_avg_sq")
        let vMax = amsgrad ? u.slot("max_exp_avg_sq") : v
        let beta1 = h.betas.0, beta2 = h.betas.1, eps = h.eps
        // Scalars in Double as PyTorch computes them in Python, then rounded once.
        let t = Double(u.step)
        let stepSize = Float(Double(h.learningRate) / (1 - pow(Double(beta1), t)))
        let correction2 = Float(sqrt(1 - pow(Double(beta2), t)))
        let l2: Float = decoupledWeightDecay ? 0 : h.weightDecay
        let shrink: Float = decoupledWeightDecay ? 1 - h.learningRate * h.weightDecay : 1
        let amsgrad = self.amsgrad
        u.forEachChunk { range in
            for i in range {
                let gi = g[i] + l2 * p[i]
                let pi = p[i] * shrink
                m[i] += (1 - beta1) * (gi - m[i])
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                if amsgrad { vMax[i] = max(vMax[i], v[i]) }
                p[i] = pi - stepSize * (m[i] / ((vMax[i]).squareRoot() / correction2 + eps))
            }
        }
    }
}
