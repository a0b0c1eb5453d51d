import AnnealNN

/// Adagrad, as `torch.optim.Adagrad`:
///
///     g ← g + λ·p
///     lrₜ = lr / (1 + (t − 1)·lrDecay)
///     S ← S + g²   (S starts at `initialAccumulatorValue`)
///     p ← p − lrₜ · g / (√S + ε)
public final class Adagrad: Optimizer {
    /// Decay of the rate per update: a parameter's t-th update uses
    /// lr / (1 + (t − 1)·learningRateDecay) (default 0, no decay).
    public let learningRateDecay: Float
    /// The value every element of the squared-gradient sum S starts at (default 0).
    public let initialAccumulatorValue: Float

    /// Creates an Adagrad optimizer with `torch.optim.Adagrad`'s defaults.
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The base step size lr, before `learningRateDecay`.
    ///   - learningRateDecay: Decay of the rate per update; must be ≥ 0.
    ///   - weightDecay: L2 penalty λ added to the gradient.
    ///   - initialAccumulatorValue: Start value of the squared-gradient sum; must be ≥ 0.
    ///   - eps: Term added to the denominator for numerical stability.
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-2, learningRateDecay: Float = 0,
                weightDecay: Float = 0, initialAccumulatorValue: Float = 0, eps: Float = 1e-10) {
        precondition(learningRateDecay >= 0, "Adagrad: invalid learning rate decay \(learningRateDecay)")
        precondition(initialAccumulatorValue >= 0, "Adagrad: invalid initial accumulator value \(initialAccumulatorValue)")
        self.learningRateDecay = learningRateDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, eps: eps))
    }

    /// One slot, `"sum"`: the running sum S of squared gradients.
    public override func slotNames(for h: Hyperparameters) -> [String] { ["sum"] }

    /// `initialAccumulatorValue`, the start of the `"sum"` slot.
    public override func initialValue(ofSlot name: String, hyperparameters: Hyperparameters) -> Float {
        initialAccumulatorValue
    }

    /// One Adagrad update in place (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        let p = u.value, g = u.gradient, sum = u.slot("sum")
        let wd = h.weightDecay, eps = h.eps
        let clr = Float(Double(h.learningRate) / (1 + Double(u.step - 1) * Double(learningRateDecay)))
        u.forEachChunk { range in
            for i in range {
                let pi = p[i]
                let gi = g[i] + wd * pi
                let si = sum[i] + gi * gi
                sum[i] = si
                // max(·, 0) changes nothing (S ≥ 0) but proves the sqrt cannot set
                // errno, so Linux's sqrtf call becomes a vectorizable instruction.
                p[i] = pi - clr * (gi / (max(si, 0).squareRoot() + eps))
            }
        }
    }
}
