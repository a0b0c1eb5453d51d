import AnnealNN

/// Stochastic gradient descent with optional momentum, dampening, Nesterov
/// momentum and L2 weight decay, as `torch.optim.SGD`:
///
///     g ← g + λ·p                  (coupled)     p ← p·(1 − lr·λ)   (decoupled)
///     b ← g (first step),  b ← μ·b + (1 − τ)·g (after)
///     g ← g + μ·b (Nesterov),  g ← b (otherwise, when μ ≠ 0)
///     p ← p − lr·g
///
/// `decoupledWeightDecay` (SGDW, Loshchilov & Hutter 2019) shrinks the weights
/// directly instead of adding λ·p to the gradient, so the decay does not pass
/// through the momentum buffer; without momentum the two are identical.
public final class SGD: Optimizer {
    /// Dampening τ: after the first step the momentum buffer takes in (1 − τ)·g (default 0).
    public let dampening: Float
    /// Whether to use Nesterov momentum (step along g + μ·b instead of b); needs
    /// momentum > 0 and dampening 0.
    public let nesterov: Bool
    /// Whether weight decay shrinks the weights directly (SGDW) instead of adding
    /// λ·p to the gradient.
    public let decoupledWeightDecay: Bool

    /// Creates an SGD optimizer with `torch.optim.SGD`'s defaults.
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The step size lr of each optimizer step (no default).
    ///   - momentum: Momentum coefficient μ; 0 for plain SGD.
    ///   - dampening: Dampening τ of the momentum buffer.
    ///   - nesterov: Whether to use Nesterov momentum.
    ///   - weightDecay: Weight decay λ, as an L2 penalty unless `decoupledWeightDecay`.
    ///   - decoupledWeightDecay: Whether to shrink the weights by 1 − lr·λ instead (SGDW).
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float, momentum: Float = 0,
                dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.dampening = dampening
        self.nesterov = nesterov
        self.decoupledWeightDecay = decoupledWeightDecay
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum))
    }

    /// The base checks, plus: Nesterov momentum needs momentum > 0 and dampening 0.
    public override func validate(_ h: Hyperparameters, group: ParameterGroup) {
        super.validate(h, group: group)
        precondition(!nesterov || (h.momentum > 0 && dampening == 0),
                     "SGD: Nesterov momentum requires momentum > 0 and dampening 0 (group '\(group.name)' has momentum \(h.momentum), dampening \(dampening))")
    }

    /// `"momentum_buffer"` (b) when momentum is not 0, else no slots.
    public override func slotNames(for h: Hyperparameters) -> [String] {
        h.momentum != 0 ? ["momentum_buffer"] : []
    }

    /// One SGD update in place (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let p = u.value, g = u.gradient
        let lr = u.hyperparameters.learningRate, decay = u.hyperparameters.weightDecay
        let mu = u.hyperparameters.momentum
        // Decoupled: shrink p (×1 is exact, so coupled updates are unchanged) and add nothing to the gradient.
        let wd: Float = decoupledWeightDecay ? 0 : decay
        let shrink: Float = decoupledWeightDecay ? 1 - lr * decay : 1
        guard mu != 0 else {
            u.forEachChunk { range in
                for i in range {
                    let pi = p[i] * shrink
                    p[i] = pi - lr * (g[i] + wd * pi)
                }
            }
            return
        }
        let b = u.slot("momentum_buffer"), nesterov = self.nesterov
        // PyTorch seeds the buffer with the first gradient instead of decaying from 0.
        let keep: Float = u.slotsAreNew ? 0 : mu, take: Float = u.slotsAreNew ? 1 : 1 - dampening
        u.forEachChunk { range in
            for i in range {
                let pi = p[i] * shrink
                let d = g[i] + wd * pi
                let bi = keep * b[i] + take * d
                b[i] = bi
                p[i] = pi - lr * (nesterov ? d + mu * bi : bi)
            }
        }
    }
}
