import AnnealNN

/// Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`:
/// before the Adam step the weights shrink, p ← p − lr·λ·p, instead of λ·p being
/// added to the gradient, so decay is not rescaled by the adaptive denominator.
public final class AdamW: Adam {
    /// Creates an AdamW optimizer with `torch.optim.AdamW`'s defaults (weight decay 0.01).
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The step size lr of each optimizer step.
    ///   - betas: Decay rates (β1, β2) of the first- and second-moment averages.
    ///   - eps: Term added to the denominator for numerical stability.
    ///   - weightDecay: Decoupled decay λ: each step first multiplies the weights by 1 − lr·λ.
    ///   - amsgrad: Whether to divide by the running maximum of the second moment (AMSGrad).
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-3,
                betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 1e-2, amsgrad: Bool = false) {
        super.init(parameters, learningRate: learningRate, betas: betas, eps: eps,
                   weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }
}
