/// The per-group settings every optimizer reads, resolved (no optionals) for
/// one update. Settings an optimizer does not use are carried but ignored.
public struct Hyperparameters: Sendable {
    /// Step size lr of each optimizer step.
    public var learningRate: Float
    /// L2 penalty added to the gradient, or decoupled decay (AdamW).
    public var weightDecay: Float
    /// SGD / RMSProp momentum.
    public var momentum: Float
    /// Adam's (β1, β2).
    public var betas: (Float, Float)
    /// Term added to denominators for numerical stability.
    public var eps: Float

    /// Settings with PyTorch's usual defaults for all but the learning rate: no
    /// weight decay, no momentum, betas (0.9, 0.999), eps 1e-8.
    public init(learningRate: Float, weightDecay: Float = 0, momentum: Float = 0,
                betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.betas = betas
        self.eps = eps
    }
}
