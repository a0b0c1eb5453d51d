import AnnealNN

/// Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`:
/// before the Adam step the weights shrink, p ← p − lr·λ·p, instead of λ·p being
/// added to the gradient, so decay is not rescaled by the adaptive denominator.
public final class AdamW: Adam {
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-3,
                betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 1e-2, amsgrad: Bool = false) {
        super.init(parameters, learningRate: learningRate, betas: betas, eps: eps,
                   weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }
}
